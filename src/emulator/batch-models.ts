/**
 * The models a batch inference job may name: Bedrock accepts only models (and cross-region inference profiles of
 * them) that support batch inference, and answers any other id with a ValidationException. The default catalogue
 * is the Anthropic, Amazon Nova and Meta Llama models AWS lists for batch inference that the emulator can answer;
 * `batchModels` replaces it.
 */
const BASE_MODELS = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-opus-20240229-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-opus-4-20250514-v1:0',
  'anthropic.claude-opus-4-1-20250805-v1:0',
  'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-haiku-4-5-20251001-v1:0',
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'amazon.nova-pro-v1:0',
  'amazon.nova-premier-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'meta.llama3-1-405b-instruct-v1:0',
  'meta.llama3-2-1b-instruct-v1:0',
  'meta.llama3-2-3b-instruct-v1:0',
  'meta.llama3-2-11b-instruct-v1:0',
  'meta.llama3-2-90b-instruct-v1:0',
  'meta.llama3-3-70b-instruct-v1:0',
  'meta.llama4-scout-17b-instruct-v1:0',
  'meta.llama4-maverick-17b-instruct-v1:0',
];

/** The geographies of cross-region inference profiles (`us.anthropic...`). */
const PROFILE_GEOGRAPHIES = ['us', 'eu', 'apac'];

export const DEFAULT_BATCH_MODELS: readonly string[] = [
  ...BASE_MODELS,
  ...PROFILE_GEOGRAPHIES.flatMap((geo) => BASE_MODELS.map((id) => `${geo}.${id}`)),
];

/**
 * The catalogue entry a model identifier names: the id itself, or the model or inference profile an ARN of this
 * region (and, for a profile, this account) points to. Other ARNs (custom models, provisioned throughput,
 * application inference profiles, other regions) name nothing in the catalogue.
 */
export function catalogueId(modelId: string, where: { region: string; accountId: string }): string | undefined {
  if (!modelId.startsWith('arn:')) return modelId;
  const foundation = `arn:aws:bedrock:${where.region}::foundation-model/`;
  if (modelId.startsWith(foundation)) return modelId.slice(foundation.length);
  const profile = `arn:aws:bedrock:${where.region}:${where.accountId}:inference-profile/`;
  if (modelId.startsWith(profile)) return modelId.slice(profile.length);
  return undefined;
}
