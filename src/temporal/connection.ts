import type { DocflowConfig } from '../config/load';

/**
 * Connection settings for the configured Temporal cluster, the same for clients (`Connection`) and workers
 * (`NativeConnection`): TLS when asked for or when an API key (Temporal Cloud) is set.
 */
export function temporalConnectionOptions(config: DocflowConfig, address: string) {
  const tls = config.temporal.tls || config.temporal.apiKey !== undefined;
  return { address, tls: tls ? {} : undefined, apiKey: config.temporal.apiKey };
}
