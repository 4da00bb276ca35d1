import { AwsError } from './errors';

const SIGV4 = 'AWS4-HMAC-SHA256';

/**
 * AWS refuses a request that is not signed before anything else looks at it; the emulator does the same, so a
 * client that forgot to sign fails here as it would on AWS. Keys and signatures are not checked: any SigV4
 * signature passes, as does a Bedrock API key (`Authorization: Bearer ...`).
 */
export function authorizationError(authorization: string | undefined, query: URLSearchParams): AwsError | undefined {
  if (authorization === undefined || authorization.trim() === '') {
    const presigned = query.get('X-Amz-Algorithm') === SIGV4 && (query.get('X-Amz-Signature') ?? '') !== '';
    return presigned ? undefined : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (/^Bearer \S+$/.test(authorization)) return undefined;
  if (!authorization.startsWith(`${SIGV4} `)) {
    return new AwsError(
      'IncompleteSignatureException',
      `Authorization header requires the ${SIGV4} scheme (Signature Version 4) or a Bedrock API key (Bearer).`,
    );
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter(
    (part) => !new RegExp(`(^|[ ,])${part}=[^, ]+`).test(authorization.slice(SIGV4.length)),
  );
  if (missing.length === 0) return undefined;
  return new AwsError(
    'IncompleteSignatureException',
    `Authorization header requires ${missing.map((part) => `'${part}'`).join(', ')} parameter${missing.length === 1 ? '' : 's'}.`,
  );
}
