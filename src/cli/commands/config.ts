import type { Command } from 'commander';
import type { ResolvedSetting } from '../../config/load';
import { SETTINGS } from '../../config/settings';
import type { SettingSpec } from '../../config/settings';
import { loadCliConfig, output } from '../context';
import { usageErrorsExit2 } from '../options';
import { renderTable } from '../table';

interface ConfigFlags {
  keys?: boolean;
  markdown?: boolean;
}

/** One effective setting as `docflow config` shows it: secrets masked, the source spelled out. */
export interface EffectiveSetting {
  key: string;
  value: unknown;
  source: ResolvedSetting['source'];
  /** The config file path, environment variable or flag the value came from. */
  origin?: string;
  secret: boolean;
  env: string[];
  description: string;
}

/** One setting as `docflow config --keys` lists it. */
export interface SettingReference {
  key: string;
  env: string[];
  default: unknown;
  secret: boolean;
  description: string;
}

/** `docflow config`: the effective configuration and where each value came from; `--keys` lists every setting. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('Show the effective configuration: every setting, its value and where it came from.')
    .option('--keys', 'list every setting with its environment variables, default and description')
    .option('--markdown', 'print the configuration reference as Markdown (docs/configuration.md)')
    .exitOverride(usageErrorsExit2)
    .action((flags: ConfigFlags, command: Command) => {
      if (flags.markdown) {
        process.stdout.write(configurationReference());
        return;
      }
      if (flags.keys) {
        output(command, settingReferences(), renderKeys);
        return;
      }
      const loaded = loadCliConfig(command);
      const settings = loaded.settings.map(effective);
      output(command, { file: loaded.file ?? null, settings }, renderEffective);
    });
}

function specOf(key: string): SettingSpec {
  const spec = (SETTINGS as readonly SettingSpec[]).find((s) => s.key === key);
  if (!spec) throw new Error(`unknown setting ${key}`);
  return spec;
}

function effective(setting: ResolvedSetting): EffectiveSetting {
  return {
    key: setting.key,
    value: setting.secret && setting.value !== undefined ? '***' : (setting.value ?? null),
    source: setting.source,
    origin: setting.origin,
    secret: setting.secret,
    env: specOf(setting.key).env,
    description: setting.description,
  };
}

export function settingReferences(): SettingReference[] {
  return (SETTINGS as readonly SettingSpec[]).map((s) => ({
    key: s.key,
    env: s.env,
    default: (s.default as unknown) ?? null,
    secret: !!s.secret,
    description: s.description,
  }));
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function formatSource(setting: EffectiveSetting): string {
  return setting.origin ? `${setting.source} ${setting.origin}` : setting.source;
}

function renderEffective(data: { file: string | null; settings: EffectiveSetting[] }): string {
  const table = renderTable(
    ['SETTING', 'VALUE', 'SOURCE'],
    data.settings.map((s) => [s.key, formatValue(s.value), formatSource(s)]),
  );
  const file = data.file ? `config file: ${data.file}` : 'config file: none (./docflow.config.json or DOCFLOW_CONFIG)';
  return `${file}\n\n${table}`;
}

function renderKeys(settings: SettingReference[]): string {
  return settings
    .map(
      (s) =>
        `${s.key}  (${s.env.join(', ')}; default ${formatValue(s.default)}${s.secret ? '; secret' : ''})\n` +
        `    ${s.description}`,
    )
    .join('\n');
}

const SECTIONS: Record<string, string> = {
  temporal: 'Temporal',
  embedded: 'Embedded mode',
  store: 'Object store',
  aws: 'AWS',
  bedrock: 'Bedrock',
  pipeline: 'Pipeline',
  batch: 'Batch collector and jobs',
  notify: 'Notifications',
};

/** The Markdown configuration reference, generated from `src/config/settings.ts` (committed as docs/configuration.md). */
export function configurationReference(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/settings.ts by `docflow config --markdown > docs/configuration.md`. Do not edit. -->',
    '',
    'docflow reads its configuration once per command, in layers where the later wins: the defaults below, then the',
    'config file, then environment variables, then command-line flags. The config file is JSON, `--config <file>`,',
    '`DOCFLOW_CONFIG`, or `./docflow.config.json` when present; it is either flat (`{"batch.maxWaitMs": 1000}`) or',
    'nested (`{"batch": {"maxWaitMs": 1000}}`). The global flags `--address`, `--namespace`, `--store`, `--model` and',
    '`--task` set `temporal.address`, `temporal.namespace`, `store.uri`, `bedrock.modelId` and `pipeline.task`.',
    '',
    '`docflow config` prints the effective value of every setting and where it came from (secrets as `***`);',
    '`docflow config --keys` lists the settings below in the terminal.',
  ];
  const sections = new Map<string, string[][]>();
  for (const s of SETTINGS as readonly SettingSpec[]) {
    const prefix = s.key.split('.')[0] ?? s.key;
    const empty = s.default === undefined || (Array.isArray(s.default) && s.default.length === 0);
    const dflt = empty ? formatValue(s.default) : `\`${formatValue(s.default)}\``;
    const description = s.secret ? `${s.description} Secret: shown as \`***\`.` : s.description;
    const rows = sections.get(prefix) ?? [];
    rows.push([`\`${s.key}\``, s.env.map((e) => `\`${e}\``).join(', '), cell(dflt), cell(description)]);
    sections.set(prefix, rows);
  }
  for (const [prefix, rows] of sections) {
    lines.push(
      '',
      `## ${SECTIONS[prefix] ?? prefix}`,
      '',
      ...markdownTable(['Setting', 'Environment', 'Default', 'Description'], rows),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A Markdown table padded the way Prettier formats one, so the generated file passes `prettier --check`. */
function markdownTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
