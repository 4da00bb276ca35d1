/**
 * Cost estimates for progress reports and run summaries. Safe for workflow code (pure arithmetic).
 *
 * The prices are AWS's published on-demand LIST prices in us-east-1 (USD per 1,000 tokens) for a few well-known
 * models, as of 2025. They change and differ by Region and contract: treat them as defaults to be configured, not as
 * billing truth. Batch inference is billed at 50 % of on-demand.
 */

export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

export type InvocationMode = 'batch' | 'on-demand';

export const BATCH_DISCOUNT = 0.5;

export const LIST_PRICES: Readonly<Record<string, ModelPrice>> = {
  'anthropic.claude-3-haiku-20240307-v1:0': { inputPer1k: 0.00025, outputPer1k: 0.00125 },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'amazon.nova-lite-v1:0': { inputPer1k: 0.00006, outputPer1k: 0.00024 },
  'amazon.nova-pro-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.0032 },
  'meta.llama3-70b-instruct-v1:0': { inputPer1k: 0.00265, outputPer1k: 0.0035 },
};

/** Used for models not in the table: Claude 3.5 Sonnet's price, so an unknown model is not reported as cheap. */
export const DEFAULT_PRICE: ModelPrice = { inputPer1k: 0.003, outputPer1k: 0.015 };

export interface PricingOptions {
  prices?: Readonly<Record<string, ModelPrice>>;
  defaultPrice?: ModelPrice;
}

export interface CostEstimate {
  usd: number;
  inputUsd: number;
  outputUsd: number;
  /** Whether the model was in the price table or the default price was used. */
  priced: 'listed' | 'default';
}

/**
 * Estimated USD cost of the given tokens. Cross-Region inference profile ids (`us.`, `eu.`, `apac.`, `global.`) and
 * model ARNs are priced as their base model.
 */
export function estimateCost(
  modelId: string,
  mode: InvocationMode,
  inputTokens: number,
  outputTokens: number,
  options: PricingOptions = {},
): CostEstimate {
  const prices = options.prices ?? LIST_PRICES;
  const listed = prices[baseModelId(modelId)] ?? prices[modelId];
  const price = listed ?? options.defaultPrice ?? DEFAULT_PRICE;
  const factor = mode === 'batch' ? BATCH_DISCOUNT : 1;
  const inputUsd = (Math.max(0, inputTokens) / 1000) * price.inputPer1k * factor;
  const outputUsd = (Math.max(0, outputTokens) / 1000) * price.outputPer1k * factor;
  return { usd: inputUsd + outputUsd, inputUsd, outputUsd, priced: listed === undefined ? 'default' : 'listed' };
}

/** `us.anthropic.claude-…` or `arn:aws:bedrock:…:foundation-model/anthropic.claude-…` → `anthropic.claude-…`. */
export function baseModelId(modelId: string): string {
  const afterSlash = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  return afterSlash.replace(/^(us|eu|apac|us-gov|global)\./, '');
}
