#!/bin/sh
# Makes sure docflow's namespace exists and carries docflow's custom search attributes. Idempotent and patient:
# it waits for the server, creates the namespace only when missing, and registering an attribute that already
# exists with the same type changes nothing. An attribute that exists with another type is an error that no
# retry can fix: it stops at once.
#
# Arguments:   Name=Type pairs, exactly as searchAttributeCliArgs() (src/shared/search-attributes.ts) prints them.
# Environment: TEMPORAL_ADDRESS (host:port, required), TEMPORAL_NAMESPACE (default "default"),
#              TEMPORAL_NAMESPACE_RETENTION (default 168h, applies when the namespace is created),
#              SETUP_ATTEMPTS (default 60), SETUP_RETRY_SECONDS (default 5).
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required, e.g. temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-168h}"
attempts="${SETUP_ATTEMPTS:-60}"
pause="${SETUP_RETRY_SECONDS:-5}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 Name=Type [Name=Type ...]" >&2
  exit 64
fi

# Turn Name=Type pairs into --name/--type flags, refusing anything else.
pairs="$*"
set --
for pair in $pairs; do
  name="${pair%%=*}"
  type="${pair#*=}"
  case "$name" in
    '' | *[!A-Za-z0-9_]*) echo "not a search attribute name: $pair" >&2; exit 64 ;;
  esac
  case "$type" in
    Keyword | Text | Int | Double | Bool | Datetime | KeywordList) ;;
    *) echo "not a search attribute type: $pair" >&2; exit 64 ;;
  esac
  set -- "$@" --name "$name" --type "$type"
done

retry() {
  what="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "gave up waiting for $what after $attempts attempts" >&2
      exit 1
    fi
    echo "waiting for $what (attempt $attempt/$attempts)"
    attempt=$((attempt + 1))
    sleep "$pause"
  done
}

ensure_namespace() {
  temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1 ||
    temporal operator namespace create --address "$address" --namespace "$namespace" --retention "$retention"
}

register() {
  if output=$(temporal operator search-attribute create --address "$address" --namespace "$namespace" "$@" 2>&1); then
    echo "$output"
    return 0
  fi
  echo "$output" >&2
  case "$output" in
    *"different type"*) echo "a search attribute exists with another type: fix it by hand" >&2; exit 65 ;;
  esac
  # A namespace created a moment ago may not be visible yet on every frontend: try again.
  return 1
}

retry "the Temporal server at $address" temporal operator cluster health --address "$address"
retry "namespace $namespace" ensure_namespace
retry "search attributes on $namespace" register "$@"
echo "namespace $namespace has docflow's search attributes: $pairs"
