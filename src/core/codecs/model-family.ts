import { permanentError } from '../errors';
import type { ModelFamily } from './types';

// Region-prefixed inference profiles ("us.anthropic.claude-...", "global.amazon.nova-...") and model ARNs
// ("arn:aws:bedrock:...:foundation-model/meta.llama3-...") name the same families as the bare model ids.
const PROFILE_PREFIX = /^(?:us|eu|apac|us-gov|ca|jp|au|global)\./;

/** The wire family of a Bedrock model id, inference profile id or model ARN. */
export function modelFamily(modelId: string): ModelFamily {
  const family = tryModelFamily(modelId);
  if (family === undefined) {
    throw permanentError(
      'INVALID_CONFIG',
      `unsupported model id "${modelId}": docflow speaks anthropic.*, amazon.nova* and meta.llama* models`,
    );
  }
  return family;
}

/** Like {@link modelFamily}, but `undefined` for an unsupported model. */
export function tryModelFamily(modelId: string): ModelFamily | undefined {
  const base = (modelId.includes('/') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId).replace(
    PROFILE_PREFIX,
    '',
  );
  if (base.startsWith('anthropic.')) return 'claude-messages';
  if (base.startsWith('amazon.nova')) return 'nova';
  if (base.startsWith('meta.llama')) return 'llama';
  return undefined;
}
