import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE, estimateCost } from '../../src/core/pricing';

describe('estimateCost', () => {
  it('prices on-demand tokens at the list price per 1k tokens', () => {
    const cost = estimateCost('anthropic.claude-3-haiku-20240307-v1:0', 'on-demand', 1_000_000, 100_000);
    expect(cost.inputUsd).toBeCloseTo(0.25, 10);
    expect(cost.outputUsd).toBeCloseTo(0.125, 10);
    expect(cost).toMatchObject({ priced: 'listed' });
  });

  it('charges batch inference half of on-demand', () => {
    const onDemand = estimateCost('amazon.nova-pro-v1:0', 'on-demand', 12_345, 678).usd;
    expect(estimateCost('amazon.nova-pro-v1:0', 'batch', 12_345, 678).usd).toBeCloseTo(onDemand / 2, 12);
  });

  it('prices inference profiles and model ARNs as their base model', () => {
    const base = estimateCost('amazon.nova-lite-v1:0', 'batch', 5000, 500).usd;
    expect(estimateCost('us.amazon.nova-lite-v1:0', 'batch', 5000, 500).usd).toBe(base);
    expect(
      estimateCost('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', 'batch', 5000, 500).usd,
    ).toBe(base);
  });

  it('uses the configurable default price for unknown models and says so', () => {
    const unknown = estimateCost('acme.model-v9', 'on-demand', 1000, 1000);
    expect(unknown).toMatchObject({ priced: 'default', usd: DEFAULT_PRICE.inputPer1k + DEFAULT_PRICE.outputPer1k });
    const custom = estimateCost('acme.model-v9', 'on-demand', 1000, 0, {
      defaultPrice: { inputPer1k: 1, outputPer1k: 2 },
    });
    expect(custom.usd).toBe(1);
  });

  it('accepts a configured price table', () => {
    const prices = { 'acme.model-v9': { inputPer1k: 0.01, outputPer1k: 0.02 } };
    expect(estimateCost('acme.model-v9', 'batch', 2000, 1000, { prices })).toMatchObject({
      usd: 0.02,
      priced: 'listed',
    });
  });
});
