import { BedrockClient } from '@aws-sdk/client-bedrock';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAwsCredentials,
  checkBedrockAccess,
  checkRoleArn,
  detectBedrockTarget,
} from '../../src/doctor/aws-checks';
import { startTestEmulator, TEST_REGION, TEST_ROLE_ARN } from '../support/emulator';
import type { TestEmulator } from '../support/emulator';

let t: TestEmulator;
let closedEndpoint: string;

beforeAll(async () => {
  t = await startTestEmulator();
  closedEndpoint = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => t.stop());

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const bedrockAt = (endpoint: string) =>
  new BedrockClient({
    endpoint,
    region: TEST_REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });

describe('Bedrock target', () => {
  it('recognises the docflow emulator by its health route', async () => {
    expect(await detectBedrockTarget(t.emulator.endpoint)).toEqual({ kind: 'emulator', endpoint: t.emulator.endpoint });
  });

  it('treats no endpoint as AWS and an endpoint that does not answer as a custom one', async () => {
    expect(await detectBedrockTarget(undefined)).toEqual({ kind: 'aws' });
    expect((await detectBedrockTarget(closedEndpoint)).kind).toBe('custom');
  });
});

describe('Bedrock access', () => {
  it('passes when ListModelInvocationJobs answers', async () => {
    const result = await checkBedrockAccess(bedrockAt(t.emulator.endpoint), {
      kind: 'emulator',
      endpoint: t.emulator.endpoint,
    });
    expect(result).toMatchObject({ status: 'ok', id: 'bedrock' });
  });

  it('fails as unavailable, naming the endpoint, when nothing answers', async () => {
    const result = await checkBedrockAccess(bedrockAt(closedEndpoint), { kind: 'custom', endpoint: closedEndpoint });
    expect(result).toMatchObject({ status: 'fail', cause: 'unavailable' });
    expect(result.message).toContain(closedEndpoint);
    expect(result.fix).toMatch(/DOCFLOW_BEDROCK_ENDPOINT/);
  });
});

describe('AWS credentials', () => {
  it('are not needed with the emulator and a local store', async () => {
    const result = await checkAwsCredentials(() => Promise.reject(new Error('unused')), { bedrock: false, s3: false });
    expect(result.status).toBe('skip');
  });

  it('fail with what to configure when the default chain finds none', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const result = await checkAwsCredentials(() => Promise.reject(missing), { bedrock: true, s3: false });
    expect(result).toMatchObject({ status: 'fail', cause: 'config' });
    expect(result.fix).toMatch(/AWS_PROFILE/);
  });

  it('pass without printing the key', async () => {
    const result = await checkAwsCredentials(
      () => Promise.resolve({ accessKeyId: 'AKIAEXAMPLEKEY123456', sessionToken: 'token' }),
      { bedrock: true, s3: true },
    );
    expect(result.status).toBe('ok');
    expect(JSON.stringify(result)).not.toContain('AKIAEXAMPLEKEY123456');
    expect(JSON.stringify(result)).not.toContain('token"');
  });
});

describe('batch role', () => {
  const aws = { kind: 'aws' } as const;
  const emulator = { kind: 'emulator', endpoint: 'http://127.0.0.1:8787' } as const;

  it('is optional with the emulator', () => {
    expect(checkRoleArn(undefined, emulator).status).toBe('skip');
  });

  it('is required on AWS', () => {
    const result = checkRoleArn(undefined, aws);
    expect(result).toMatchObject({ status: 'fail', cause: 'config' });
    expect(result.fix).toMatch(/DOCFLOW_BATCH_ROLE_ARN/);
  });

  it('must be an IAM role ARN', () => {
    expect(checkRoleArn('arn:aws:iam::123456789012:user/someone', aws)).toMatchObject({ status: 'fail' });
    expect(checkRoleArn('BedrockBatchRole', emulator)).toMatchObject({ status: 'fail' });
    expect(checkRoleArn(TEST_ROLE_ARN, aws).status).toBe('ok');
    expect(checkRoleArn('arn:aws-us-gov:iam::123456789012:role/path/to/Role', aws).status).toBe('ok');
  });
});
