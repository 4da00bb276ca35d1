#!/bin/sh
# Creates Temporal's two PostgreSQL databases on the first run and brings their schemas up to the version
# this admin-tools image ships. Safe to run at every start-up: existing databases are kept, and
# temporal-sql-tool only applies schema versions that are missing.
#
# Environment: POSTGRES_SEEDS (host), DB_PORT (default 5432), POSTGRES_USER, SQL_PASSWORD.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port="${DB_PORT:-5432}"
schema_root="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
export PGPASSWORD="$SQL_PASSWORD"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

database_exists() {
  [ "$(psql -h "$POSTGRES_SEEDS" -p "$port" -U "$POSTGRES_USER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# database:schema directory
for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  if database_exists "$db"; then
    echo "database $db exists"
  else
    sql_tool --db "$db" create
  fi
  # setup-schema records version 0.0 on an empty database only; update-schema then applies what is missing.
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$schema_root/$schema/versioned"
done
echo "Temporal schemas are up to date"
