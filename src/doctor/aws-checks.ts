import { ListModelInvocationJobsCommand } from '@aws-sdk/client-bedrock';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { errorSummary, fail, ok, skip } from './check';
import type { CheckResult } from './check';

/** Where Bedrock calls go: AWS itself, the docflow emulator, or another endpoint (a VPC endpoint, a proxy). */
export type BedrockTarget =
  { kind: 'aws' } | { kind: 'emulator'; endpoint: string } | { kind: 'custom'; endpoint: string };

/** The docflow emulator answers `GET /_docflow/health`; anything else at an overridden endpoint is treated as AWS. */
export async function detectBedrockTarget(endpoint: string | undefined, timeoutMs = 2_000): Promise<BedrockTarget> {
  if (!endpoint) return { kind: 'aws' };
  try {
    const response = await fetch(new URL('/_docflow/health', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as { status?: string };
    if (response.ok && body.status === 'ok') return { kind: 'emulator', endpoint };
  } catch {
    // Not the emulator (or not answering): the Bedrock access check says what is wrong with the endpoint.
  }
  return { kind: 'custom', endpoint };
}

export interface ResolvedCredentials {
  accessKeyId: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * AWS credentials must resolve through the SDK's default chain (environment, profile, SSO, container or instance
 * role) when docflow talks to real Bedrock or to S3. The values are never printed.
 */
export async function checkAwsCredentials(
  resolve: () => Promise<ResolvedCredentials>,
  needs: { bedrock: boolean; s3: boolean },
  timeoutMs = 15_000,
): Promise<CheckResult> {
  const title = 'AWS credentials';
  if (!needs.bedrock && !needs.s3) {
    return skip('aws-credentials', title, 'not needed: Bedrock is the emulator and the store is a local folder');
  }
  const users = [needs.bedrock ? 'Bedrock' : '', needs.s3 ? 'S3' : ''].filter(Boolean).join(' and ');
  try {
    const credentials = await withTimeout(resolve(), timeoutMs);
    const kind = credentials.sessionToken ? 'temporary credentials' : 'long-term access key';
    const expiry = credentials.expiration ? `, expiring ${credentials.expiration.toISOString()}` : '';
    return ok('aws-credentials', title, `${kind} resolved for ${users}${expiry}`);
  } catch (err) {
    return fail(
      'aws-credentials',
      title,
      'config',
      `no AWS credentials for ${users}: ${errorSummary(err)}`,
      'configure the default chain: AWS_PROFILE (then `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY, or run on a host with an instance, task or pod role',
    );
  }
}

const ACCESS_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/** Bedrock batch inference must answer a ListModelInvocationJobs call (one result) with these credentials. */
export async function checkBedrockAccess(client: BedrockClient, target: BedrockTarget): Promise<CheckResult> {
  const title = 'Bedrock batch inference';
  const where = target.kind === 'aws' ? `Bedrock in ${await client.config.region()}` : `${target.endpoint}`;
  const label = target.kind === 'emulator' ? 'the docflow emulator at ' : '';
  try {
    await client.send(new ListModelInvocationJobsCommand({ maxResults: 1 }));
    return ok('bedrock', title, `${label}${where} lists model invocation jobs`);
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'CredentialsProviderError') {
      return fail(
        'bedrock',
        title,
        'config',
        `cannot call ${where}: no AWS credentials to sign the request`,
        'configure AWS credentials (see the AWS credentials check)',
      );
    }
    if (ACCESS_ERRORS.has(name) || status === 401 || status === 403) {
      return fail(
        'bedrock',
        title,
        'config',
        `${where} refused ListModelInvocationJobs: ${errorSummary(err)}`,
        'allow bedrock:ListModelInvocationJobs, CreateModelInvocationJob, GetModelInvocationJob and ' +
          'StopModelInvocationJob (and iam:PassRole on the batch role) for this identity, in this region (AWS_REGION)',
      );
    }
    return fail(
      'bedrock',
      title,
      'unavailable',
      `cannot reach ${label}${where}: ${errorSummary(err)}`,
      target.kind === 'aws'
        ? 'check the network path to Bedrock and that AWS_REGION is a region with Bedrock batch inference'
        : 'start the emulator (`docflow emulator`), or fix or unset DOCFLOW_BEDROCK_ENDPOINT',
    );
  }
}

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Real Bedrock needs a service role to read job input and write job output; the emulator does not. */
export function checkRoleArn(roleArn: string | undefined, target: BedrockTarget): CheckResult {
  const title = 'Batch role';
  const fix =
    'set DOCFLOW_BATCH_ROLE_ARN to arn:aws:iam::<account>:role/<name>, a role that trusts bedrock.amazonaws.com and may ' +
    's3:GetObject and s3:ListBucket on the store root and s3:PutObject under its jobs/ prefix';
  if (roleArn && !ROLE_ARN.test(roleArn)) {
    return fail('role-arn', title, 'config', `bedrock.roleArn "${roleArn}" is not an IAM role ARN`, fix);
  }
  if (target.kind === 'emulator') {
    return roleArn
      ? ok('role-arn', title, `${roleArn} (the emulator does not assume it)`)
      : skip('role-arn', title, 'not needed: Bedrock is the emulator');
  }
  if (!roleArn) {
    const note = target.kind === 'custom' ? ` (${target.endpoint} did not answer as the docflow emulator)` : '';
    return fail('role-arn', title, 'config', `bedrock.roleArn is not set: Bedrock cannot run batch jobs${note}`, fix);
  }
  return ok('role-arn', title, roleArn);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
