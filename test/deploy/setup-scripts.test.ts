import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { searchAttributeCliArgs } from '../../src/shared/search-attributes';

// The setup scripts run in the admin-tools image. Here they run under the local /bin/sh with stand-ins for
// `temporal`, `temporal-sql-tool` and `psql` that record their arguments and answer as the real tools would.

const deploy = join(__dirname, '..', '..', 'deploy', 'temporal');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory whose executables shadow the real tools; each call is appended to `calls.log`. */
function fakeTools(tools: Record<string, string>): { bin: string; calls: () => string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'docflow-fake-tools-'));
  dirs.push(bin);
  for (const [name, body] of Object.entries(tools)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> "${bin}/calls.log"\n${body}\n`);
    chmodSync(path, 0o755);
  }
  const log = join(bin, 'calls.log');
  return { bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

function run(script: string, args: string[], bin: string, env: Record<string, string>) {
  return spawnSync('/bin/sh', [join(deploy, script), ...args], {
    env: { PATH: `${bin}:/usr/bin:/bin`, SETUP_RETRY_SECONDS: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('register-search-attributes.sh', () => {
  const env = { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'docflow' };

  it('waits for the server, creates the missing namespace, then registers every attribute', () => {
    const tools = fakeTools({
      // Unhealthy on the first two probes, as a server that is still starting.
      temporal: `case "$*" in
  "operator cluster health"*) n=$(grep -c "cluster health" "$(dirname "$0")/calls.log"); [ "$n" -ge 3 ] ;;
  "operator namespace describe"*) exit 1 ;;
  *) exit 0 ;;
esac`,
    });

    const result = run('register-search-attributes.sh', searchAttributeCliArgs(), tools.bin, env);

    expect(result.status, result.stderr).toBe(0);
    const calls = tools.calls();
    expect(calls.filter((c) => c.includes('cluster health'))).toHaveLength(3);
    expect(calls).toContain(
      'temporal operator namespace create --address temporal:7233 --namespace docflow --retention 168h',
    );
    const flags = searchAttributeCliArgs()
      .map((pair) => pair.split('='))
      .map(([name, type]) => `--name ${name} --type ${type}`)
      .join(' ');
    expect(calls.at(-1)).toBe(
      `temporal operator search-attribute create --address temporal:7233 --namespace docflow ${flags}`,
    );
  });

  it('leaves an existing namespace alone', () => {
    const tools = fakeTools({ temporal: 'exit 0' });

    const result = run('register-search-attributes.sh', ['DocflowBatchId=Keyword'], tools.bin, env);

    expect(result.status, result.stderr).toBe(0);
    expect(tools.calls().some((c) => c.includes('namespace create'))).toBe(false);
  });

  it('retries while a new namespace is not yet visible', () => {
    const tools = fakeTools({
      temporal: `case "$*" in
  "operator search-attribute create"*)
    n=$(grep -c "search-attribute create" "$(dirname "$0")/calls.log")
    [ "$n" -ge 2 ] || { echo "Namespace docflow is not found." >&2; exit 1; } ;;
esac
exit 0`,
    });

    const result = run('register-search-attributes.sh', ['DocflowBatchId=Keyword'], tools.bin, env);

    expect(result.status, result.stderr).toBe(0);
    expect(tools.calls().filter((c) => c.includes('search-attribute create'))).toHaveLength(2);
  });

  it('stops at once when an attribute exists with another type', () => {
    const tools = fakeTools({
      temporal: `case "$*" in
  "operator search-attribute create"*)
    echo "search attribute DocflowStage already exists and has different type Text" >&2; exit 1 ;;
esac
exit 0`,
    });

    const result = run('register-search-attributes.sh', ['DocflowStage=Keyword'], tools.bin, env);

    expect(result.status).toBe(65);
    expect(tools.calls().filter((c) => c.includes('search-attribute create'))).toHaveLength(1);
  });

  it('gives up after SETUP_ATTEMPTS when the server never answers', () => {
    const tools = fakeTools({ temporal: 'exit 1' });

    const result = run('register-search-attributes.sh', ['DocflowBatchId=Keyword'], tools.bin, {
      ...env,
      SETUP_ATTEMPTS: '3',
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('gave up waiting for the Temporal server at temporal:7233 after 3 attempts');
    expect(tools.calls()).toHaveLength(3);
  });

  it.each([['DocflowBatchId=Keywords'], ['Docflow-Batch=Keyword'], ['DocflowBatchId']])(
    'refuses the malformed pair %s without calling the server',
    (pair) => {
      const tools = fakeTools({ temporal: 'exit 0' });

      const result = run('register-search-attributes.sh', [pair], tools.bin, env);

      expect(result.status).toBe(64);
      expect(tools.calls()).toEqual([]);
    },
  );
});

describe('setup-postgres-schema.sh', () => {
  const env = { POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'temporal', SQL_PASSWORD: 'pw', DB_PORT: '5432' };

  it('creates missing databases, then sets up and updates both schemas', () => {
    const tools = fakeTools({ psql: 'exit 0', 'temporal-sql-tool': 'exit 0' });

    const result = run('setup-postgres-schema.sh', [], tools.bin, env);

    expect(result.status, result.stderr).toBe(0);
    const sql = tools.calls().filter((c) => c.startsWith('temporal-sql-tool'));
    const base = 'temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 -u temporal';
    expect(sql).toEqual([
      `${base} --db temporal create`,
      `${base} --db temporal setup-schema -v 0.0`,
      `${base} --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned`,
      `${base} --db temporal_visibility create`,
      `${base} --db temporal_visibility setup-schema -v 0.0`,
      `${base} --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned`,
    ]);
  });

  it('keeps existing databases and only brings their schemas up to date', () => {
    const tools = fakeTools({ psql: 'echo 1', 'temporal-sql-tool': 'exit 0' });

    const result = run('setup-postgres-schema.sh', [], tools.bin, env);

    expect(result.status, result.stderr).toBe(0);
    expect(tools.calls().some((c) => c.endsWith(' create'))).toBe(false);
    expect(tools.calls().filter((c) => c.includes('update-schema'))).toHaveLength(2);
  });

  it('fails when a schema step fails, so the server does not start on a half-built database', () => {
    const tools = fakeTools({ psql: 'echo 1', 'temporal-sql-tool': 'case "$*" in *update-schema*) exit 1 ;; esac' });

    const result = run('setup-postgres-schema.sh', [], tools.bin, env);

    expect(result.status).not.toBe(0);
  });
});
