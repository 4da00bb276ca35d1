import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { permanentError } from '../core/errors';
import type { CollectorSettings, PipelineSettings, Priority } from '../shared/types';
import { SETTINGS } from './settings';
import type { SettingSpec } from './settings';

export type SettingSource = 'default' | 'file' | 'env' | 'flag';

export interface ResolvedSetting {
  key: string;
  value: unknown;
  source: SettingSource;
  /** The file path or variable name the value came from. */
  origin?: string;
  secret: boolean;
  description: string;
}

export interface DocflowConfig {
  temporal: {
    address?: string;
    namespace: string;
    apiKey?: string;
    tls: boolean;
    taskQueue: string;
    bedrockTaskQueue: string;
  };
  embedded: { dataDir: string; temporalPort: number; uiPort: number; emulatorPort: number };
  store: { uri: string; kind: 'file' | 's3'; fileRoot: string; s3Endpoint?: string; s3ForcePathStyle: boolean };
  aws: { region: string };
  bedrock: {
    endpoint?: string;
    runtimeEndpoint?: string;
    roleArn?: string;
    modelId: string;
    requestsPerSecond: number;
  };
  worker: { maxConcurrentActivities: number; maxCachedWorkflows: number };
  pipeline: {
    task: string;
    taskFiles: string[];
    mode: 'batch' | 'on-demand';
    priority: Priority;
    chunkMaxTokens: number;
    chunkOverlapTokens: number;
    maxRecordAttempts: number;
    onDemandConcurrency: number;
    documentTimeoutMs: number;
    corpusWindow: number;
    notify: boolean;
  };
  batch: Omit<CollectorSettings, 'bedrockTaskQueue'>;
  notify: { webhookUrls: string[]; webhookSecret?: string; snsTopicArns: string[]; snsEndpoint?: string };
}

export interface LoadConfigOptions {
  /** Explicit config file (`--config`); else `DOCFLOW_CONFIG`, else `./docflow.config.json` when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, by setting key. */
  flags?: Record<string, unknown>;
  /** How each flag is spelled on the command line, by setting key (default: `--<last part of the key>`). */
  flagNames?: Record<string, string>;
  cwd?: string;
}

export interface LoadedConfig {
  config: DocflowConfig;
  settings: ResolvedSetting[];
  file?: string;
}

/**
 * Reads configuration once: defaults < config file < environment < flags, validated against one schema.
 * Errors name the setting, where its value came from and what is allowed; secret values are never echoed.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigFile(options.file ?? env.DOCFLOW_CONFIG, cwd);
  const fileValues = file ? readConfigFile(file) : {};
  const known = new Set<string>(SETTINGS.map((s) => s.key));
  for (const key of Object.keys(fileValues)) {
    if (!known.has(key)) {
      throw permanentError(
        'INVALID_CONFIG',
        `${file}: unknown setting "${key}" (run \`docflow config\` to list settings)`,
      );
    }
  }

  const resolved: ResolvedSetting[] = [];
  const config: Record<string, Record<string, unknown>> = {};
  for (const setting of SETTINGS as readonly SettingSpec[]) {
    let raw: unknown = setting.default;
    let source: SettingSource = 'default';
    let origin: string | undefined;
    if (fileValues[setting.key] !== undefined) {
      raw = fileValues[setting.key];
      source = 'file';
      origin = file;
    }
    const envName = setting.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (envName) {
      raw = env[envName];
      source = 'env';
      origin = envName;
    }
    if (options.flags?.[setting.key] !== undefined) {
      raw = options.flags[setting.key];
      source = 'flag';
      origin = options.flagNames?.[setting.key] ?? `--${setting.key.split('.').pop() ?? setting.key}`;
    }
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const where = origin ? ` (from ${origin})` : '';
      const shown = setting.secret ? '***' : JSON.stringify(raw);
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      throw permanentError('INVALID_CONFIG', `invalid ${setting.key}${where}: ${shown}: ${why}`);
    }
    const [section, name] = setting.key.split('.') as [string, string];
    (config[section] ??= {})[name] = parsed.data;
    resolved.push({
      key: setting.key,
      value: parsed.data,
      source,
      origin,
      secret: !!setting.secret,
      description: setting.description,
    });
  }
  const result = config as unknown as DocflowConfig;
  checkConsistency(result);
  return { config: result, settings: resolved, file };
}

function checkConsistency(config: DocflowConfig): void {
  const { batch, pipeline } = config;
  if (pipeline.chunkOverlapTokens >= pipeline.chunkMaxTokens) {
    throw permanentError('INVALID_CONFIG', 'pipeline.chunkOverlapTokens must be smaller than pipeline.chunkMaxTokens');
  }
  if (batch.maxRecordsPerJob < batch.minRecordsPerJob) {
    throw permanentError('INVALID_CONFIG', 'batch.maxRecordsPerJob must be at least batch.minRecordsPerJob');
  }
  if (batch.pollMaxMs < batch.pollInitialMs) {
    throw permanentError('INVALID_CONFIG', 'batch.pollMaxMs must be at least batch.pollInitialMs');
  }
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(config.store.uri)) {
    throw permanentError('INVALID_CONFIG', `store.uri must look like s3://bucket[/prefix], got ${config.store.uri}`);
  }
}

function resolveConfigFile(file: string | undefined, cwd: string): string | undefined {
  if (file) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) throw permanentError('INVALID_CONFIG', `config file not found: ${path}`);
    return path;
  }
  const local = resolve(cwd, 'docflow.config.json');
  return existsSync(local) ? local : undefined;
}

/** A config file is JSON, either flat (`{"batch.maxWaitMs": 1000}`) or nested (`{"batch": {"maxWaitMs": 1000}}`). */
function readConfigFile(path: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw permanentError('INVALID_CONFIG', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw permanentError('INVALID_CONFIG', `${path} must hold a JSON object of settings`);
  }
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) flat[`${key}.${inner}`] = v;
    } else {
      flat[key] = value;
    }
  }
  return flat;
}

/** The settings a document workflow carries, built from the configuration. */
export function pipelineSettings(config: DocflowConfig, overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  return {
    taskId: config.pipeline.task,
    modelId: config.bedrock.modelId,
    mode: config.pipeline.mode,
    chunking: { maxTokens: config.pipeline.chunkMaxTokens, overlapTokens: config.pipeline.chunkOverlapTokens },
    maxRecordAttempts: config.pipeline.maxRecordAttempts,
    onDemandConcurrency: config.pipeline.onDemandConcurrency,
    documentTimeoutMs: config.pipeline.documentTimeoutMs,
    bedrockTaskQueue: config.temporal.bedrockTaskQueue,
    collector: { ...config.batch, bedrockTaskQueue: config.temporal.bedrockTaskQueue },
    notify: config.pipeline.notify,
    ...overrides,
  };
}
