import { join } from 'node:path';
import type { DocflowConfig, LoadedConfig } from '../config/load';

/**
 * What the embedded mode changes in settings the user left at their defaults (a value from a file, the environment
 * or a flag always wins). The defaults are tuned for AWS, where a batch job takes hours; on a laptop with the
 * emulator a demo of a few contracts should finish in well under a minute.
 */
export const EMBEDDED_DEFAULTS = {
  /** A handful of documents never fills a 100-record job: flush (and fall back to on-demand) after 10 s, not 5 min. */
  'batch.maxWaitMs': 10_000,
  /** Emulated jobs move through their states in seconds: poll every 2 s, growing to 10 s, instead of 30 s to 10 min. */
  'batch.pollInitialMs': 2_000,
  'batch.pollMaxMs': 10_000,
  /** The emulator starts a job in a few seconds, not minutes. */
  'batch.jobStartupMs': 3_000,
} as const;

/** The store folder when `store.fileRoot` is left at its default: all embedded state lives under `embedded.dataDir`. */
export function embeddedStoreRoot(dataDir: string): string {
  return join(dataDir, 'store');
}

/** The configuration of an embedded run: the loaded one with the embedded defaults applied where nothing was set. */
export function embeddedConfig(loaded: LoadedConfig): DocflowConfig {
  const isDefault = (key: string) => loaded.settings.find((s) => s.key === key)?.source === 'default';
  const config = structuredClone(loaded.config);
  if (isDefault('store.fileRoot')) config.store.fileRoot = embeddedStoreRoot(config.embedded.dataDir);
  if (isDefault('batch.maxWaitMs')) config.batch.maxWaitMs = EMBEDDED_DEFAULTS['batch.maxWaitMs'];
  if (isDefault('batch.pollInitialMs')) config.batch.pollInitialMs = EMBEDDED_DEFAULTS['batch.pollInitialMs'];
  if (isDefault('batch.jobStartupMs')) config.batch.jobStartupMs = EMBEDDED_DEFAULTS['batch.jobStartupMs'];
  if (isDefault('batch.pollMaxMs')) {
    config.batch.pollMaxMs = Math.max(EMBEDDED_DEFAULTS['batch.pollMaxMs'], config.batch.pollInitialMs);
  }
  return config;
}
