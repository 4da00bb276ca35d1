/**
 * Progress rendering for `docflow analyze --wait` and `docflow watch`: pure text from corpus and document progress,
 * and a printer that redraws in place on a terminal or appends plain, throttled lines to a log.
 * No dependencies and no environment reads: the caller decides colour (NO_COLOR), width and clock.
 */
import type { CorpusProgress, DocumentProgress, DocumentStage } from '../shared/types';

export interface ProgressState {
  corpus?: CorpusProgress;
  documents: DocumentProgress[];
}

export interface RenderOptions {
  /** Maximum characters per line. */
  width: number;
  /** Terminal glyphs (block bars, `·`, `…`) when true; plain ASCII when false. */
  tty: boolean;
  /** ANSI colours; the caller turns this off for NO_COLOR and non-terminals. */
  color: boolean;
  /** Epoch ms; when given, elapsed time is shown where no ETA is known. */
  now?: number;
  /** Active documents listed before the rest collapse into "+N more". */
  maxDocuments?: number;
}

/** Pipeline order, used for the per-stage breakdown. */
const STAGE_ORDER: readonly DocumentStage[] = [
  'queued',
  'extracting',
  'chunking',
  'submitting',
  'waiting-batch',
  'invoking',
  'retrying',
  'merging',
  'publishing',
  'completed',
  'failed',
  'cancelled',
];
const TERMINAL: ReadonlySet<DocumentStage> = new Set(['completed', 'failed', 'cancelled']);
const STAGE_COLUMN = Math.max(...STAGE_ORDER.map((s) => s.length));
const DEFAULT_MAX_DOCUMENTS = 8;

type Style = 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'bold';
interface Span {
  text: string;
  style?: Style;
}
type Line = Span[];

const SGR: Record<Style, string> = { green: '32', red: '31', yellow: '33', cyan: '36', dim: '2', bold: '1' };

interface Glyphs {
  full: string;
  empty: string;
  sep: string;
  ellipsis: string;
}
const TTY_GLYPHS: Glyphs = { full: '█', empty: '░', sep: ' · ', ellipsis: '…' };
const PLAIN_GLYPHS: Glyphs = { full: '#', empty: '-', sep: ' | ', ellipsis: '...' };

const STAGE_STYLE: Partial<Record<DocumentStage, Style>> = {
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
  retrying: 'yellow',
  queued: 'dim',
};

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/** Compact counts: `950`, `12.5k`, `340k`, `1.2M`, `3B`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  if (value < 1000) return sign + String(Math.round(value));
  const units = ['k', 'M', 'B', 'T'];
  let unit = 0;
  value /= 1000;
  for (;;) {
    const text = value < 100 ? trimZero(value.toFixed(1)) : String(Math.round(value));
    if (Number(text) < 1000 || unit === units.length - 1) return `${sign}${text}${units[unit] ?? ''}`;
    value /= 1000;
    unit += 1;
  }
}

/** Dollars: cents above one cent (`$0.84`, `$1,234.50`), two significant digits below (`$0.0042`). */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$?';
  if (usd < 0) return `-${formatUsd(-usd)}`;
  if (usd === 0) return '$0.00';
  if (usd >= 0.01) {
    const [whole = '0', cents = '00'] = usd.toFixed(2).split('.');
    return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
  }
  const decimals = Math.min(6, 1 - Math.floor(Math.log10(usd)));
  const text = trimZero(usd.toFixed(decimals));
  return Number(text) === 0 ? '<$0.000001' : `$${text}`;
}

/** Durations: `45s`, `1m20s`, `2h05m`, `3d04h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad2(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${pad2(Math.floor((s % 86400) / 3600))}h`;
}

function trimZero(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Characters as a person counts them (code points), the unit every width here is measured in. */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function slice(text: string, count: number): string {
  return Array.from(text).slice(0, Math.max(0, count)).join('');
}

/** File names and failure reasons come from outside: no control characters may reach the terminal. */
function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Shortens in the middle so both the start and the extension of a file name stay readable. */
function truncateMiddle(text: string, width: number, glyphs: Glyphs): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  const room = width - length(glyphs.ellipsis);
  if (room < 2) return chars.slice(0, width).join('');
  const tail = Math.floor(room / 2);
  return chars.slice(0, room - tail).join('') + glyphs.ellipsis + chars.slice(chars.length - tail).join('');
}

function bar(fraction: number, cells: number, glyphs: Glyphs): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.floor(f * cells);
  return `[${glyphs.full.repeat(full)}${glyphs.empty.repeat(cells - full)}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Lines

/** Cuts a line to `width` characters, marking the cut with an ellipsis. */
function fit(line: Line, width: number, glyphs: Glyphs): Line {
  const total = line.reduce((n, s) => n + length(s.text), 0);
  if (total <= width) return line;
  const mark = length(glyphs.ellipsis) <= width ? glyphs.ellipsis : '';
  let room = width - length(mark);
  const out: Line = [];
  for (const span of line) {
    if (room <= 0) break;
    const text = slice(span.text, room);
    out.push({ ...span, text });
    room -= length(text);
  }
  out.push({ text: mark });
  return out;
}

function paint(line: Line, color: boolean): string {
  return line.map((s) => (color && s.style && s.text ? `\x1b[${SGR[s.style]}m${s.text}\x1b[0m` : s.text)).join('');
}

/** Joins optional parts with the separator, skipping empty ones. */
function joined(parts: (Span | string | undefined)[], glyphs: Glyphs): Line {
  const line: Line = [];
  for (const part of parts) {
    if (part === undefined || part === '') continue;
    if (line.length > 0) line.push({ text: glyphs.sep, style: 'dim' });
    line.push(typeof part === 'string' ? { text: part } : part);
  }
  return line;
}

interface Totals {
  label?: string;
  stage: CorpusProgress['stage'];
  total: number;
  finished: number;
  failed: number;
  cancelled: number;
  tokens: number;
  costUsd: number;
  etaSeconds?: number;
  startedAt?: string;
  failureReasons: Record<string, number>;
}

function corpusTotals(corpus: CorpusProgress): Totals {
  const c = corpus.counts;
  return {
    label: corpus.batchId,
    stage: corpus.stage,
    total: c.total,
    finished: c.completed + c.failed + c.cancelled,
    failed: c.failed,
    cancelled: c.cancelled,
    tokens: corpus.tokens.input + corpus.tokens.output,
    costUsd: corpus.costUsd,
    etaSeconds: corpus.etaSeconds,
    startedAt: corpus.startedAt,
    failureReasons: corpus.failureReasons,
  };
}

/** Without a corpus (several single documents), the same header is computed from the documents themselves. */
function documentTotals(documents: DocumentProgress[]): Totals {
  const count = (stage: DocumentStage): number => documents.filter((d) => d.stage === stage).length;
  const failureReasons: Record<string, number> = {};
  for (const d of documents) {
    if (d.stage === 'failed' && d.failureReason) {
      failureReasons[d.failureReason] = (failureReasons[d.failureReason] ?? 0) + 1;
    }
  }
  const finished = documents.filter((d) => TERMINAL.has(d.stage)).length;
  const starts = documents.map((d) => Date.parse(d.startedAt)).filter(Number.isFinite);
  return {
    stage: finished === documents.length ? 'completed' : 'running',
    total: documents.length,
    finished,
    failed: count('failed'),
    cancelled: count('cancelled'),
    tokens: documents.reduce((n, d) => n + d.tokens.input + d.tokens.output, 0),
    costUsd: documents.reduce((n, d) => n + d.costUsd, 0),
    startedAt: starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : undefined,
    failureReasons,
  };
}

function elapsedSeconds(startedAt: string | undefined, now: number | undefined): number | undefined {
  if (startedAt === undefined || now === undefined) return undefined;
  const start = Date.parse(startedAt);
  return Number.isFinite(start) ? Math.max(0, (now - start) / 1000) : undefined;
}

function timing(t: Totals, now: number | undefined): string | undefined {
  if (t.stage === 'running' && t.etaSeconds !== undefined) return `ETA ${formatDuration(t.etaSeconds)}`;
  const elapsed = elapsedSeconds(t.startedAt, now);
  return elapsed === undefined ? undefined : `${formatDuration(elapsed)} elapsed`;
}

function headerLine(t: Totals, options: RenderOptions, glyphs: Glyphs): Line {
  const parts: (Span | string | undefined)[] = [
    `${t.finished}/${t.total} docs`,
    t.failed > 0 ? { text: `${t.failed} failed`, style: 'red' } : undefined,
    t.cancelled > 0 ? { text: `${t.cancelled} cancelled`, style: 'yellow' } : undefined,
    `${formatCount(t.tokens)} tokens`,
    formatUsd(t.costUsd),
    timing(t, options.now),
    t.stage === 'running' ? undefined : { text: t.stage, style: t.stage === 'completed' ? 'green' : 'yellow' },
  ];
  const text = joined(parts, glyphs);
  const textLength = text.reduce((n, s) => n + length(s.text), 0);
  // The bar takes what the text leaves, within reason; on a very narrow line it goes first.
  const cells = Math.min(30, options.width - textLength - 3);
  if (cells < 5) return text;
  const fraction = t.total > 0 ? t.finished / t.total : 0;
  return [{ text: bar(fraction, cells, glyphs), style: t.failed > 0 ? 'yellow' : 'cyan' }, { text: ' ' }, ...text];
}

function stageCounts(documents: DocumentProgress[]): Map<DocumentStage, number> {
  const counts = new Map<DocumentStage, number>();
  for (const stage of STAGE_ORDER) {
    const n = documents.filter((d) => d.stage === stage).length;
    if (n > 0) counts.set(stage, n);
  }
  return counts;
}

function stageLine(state: ProgressState, glyphs: Glyphs): Line | undefined {
  let counts = stageCounts(state.documents);
  const c = state.corpus?.counts;
  if (counts.size === 0 && c !== undefined) {
    // Only totals are known: show them in the same vocabulary.
    const fromCounts: [DocumentStage, number][] = [
      ['queued', c.total - c.started],
      ['invoking', c.running],
      ['completed', c.completed],
      ['failed', c.failed],
      ['cancelled', c.cancelled],
    ];
    counts = new Map(fromCounts.filter(([, n]) => n > 0));
  }
  if (counts.size === 0) return undefined;
  const parts = [...counts].map(([stage, n]): Span => ({ text: `${n} ${stage}`, style: STAGE_STYLE[stage] }));
  return [{ text: 'stages: ', style: 'dim' }, ...joined(parts, glyphs)];
}

function failuresLine(reasons: Record<string, number>): Line | undefined {
  const sorted = Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (sorted.length === 0) return undefined;
  // A reason may itself contain the separator: the list uses its own.
  const parts = sorted.map(([reason, n]) => `${n}x ${sanitize(reason)}`).join('; ');
  return [{ text: 'failures: ', style: 'red' }, { text: parts }];
}

function documentLine(doc: DocumentProgress, nameWidth: number, glyphs: Glyphs): Line {
  const name = truncateMiddle(sanitize(doc.name), nameWidth, glyphs).padEnd(nameWidth);
  const { total, succeeded, failed } = doc.chunks;
  const line: Line = [
    { text: '  ' },
    { text: name, style: 'bold' },
    { text: '  ' },
    { text: doc.stage.padEnd(STAGE_COLUMN), style: STAGE_STYLE[doc.stage] ?? 'cyan' },
    { text: ' ' },
  ];
  const parts: (Span | string | undefined)[] = [
    total > 0 ? `${bar((succeeded + failed) / total, 10, glyphs)} ${succeeded}/${total} chunks` : undefined,
    failed > 0 ? { text: `${failed} failed`, style: 'red' } : undefined,
    doc.attempts > 1 ? `attempt ${doc.attempts}` : undefined,
    doc.tokens.input + doc.tokens.output > 0
      ? `${formatCount(doc.tokens.input + doc.tokens.output)} tokens`
      : undefined,
    doc.stage === 'failed' && doc.failureReason ? { text: sanitize(doc.failureReason), style: 'red' } : undefined,
  ];
  return [...line, ...joined(parts, glyphs)];
}

function documentLines(documents: DocumentProgress[], options: RenderOptions, glyphs: Glyphs): Line[] {
  const active = documents.filter((d) => !TERMINAL.has(d.stage) && d.stage !== 'queued');
  if (active.length === 0) return [];
  const max = Math.max(1, options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS);
  // Showing max-1 documents plus "+2 more" would waste the line on a single hidden document.
  const shown = active.length <= max ? active : active.slice(0, max - 1);
  const longest = Math.max(...shown.map((d) => length(sanitize(d.name))));
  const nameWidth = Math.max(4, Math.min(longest, 40, Math.floor(options.width * 0.3)));
  const lines = shown.map((d) => documentLine(d, nameWidth, glyphs));
  if (shown.length < active.length) lines.push([{ text: `  +${active.length - shown.length} more`, style: 'dim' }]);
  return lines;
}

/**
 * Renders the progress block: a corpus bar, a per-stage breakdown, the failure reasons and one line per active
 * document. Every line fits in `options.width` characters (colour codes aside). Lines are joined with `\n`.
 */
export function renderProgress(state: ProgressState, options: RenderOptions): string {
  const glyphs = options.tty ? TTY_GLYPHS : PLAIN_GLYPHS;
  const width = Math.max(1, Math.floor(options.width));
  const lines: Line[] = [];
  const single = state.corpus === undefined && state.documents.length === 1 ? state.documents[0] : undefined;
  if (single !== undefined) {
    const nameWidth = Math.min(length(sanitize(single.name)), 40, Math.floor(width * 0.3));
    lines.push(documentLine(single, Math.max(4, nameWidth), glyphs).slice(1));
  } else if (state.corpus !== undefined || state.documents.length > 0) {
    const totals = state.corpus ? corpusTotals(state.corpus) : documentTotals(state.documents);
    lines.push(headerLine(totals, { ...options, width }, glyphs));
    const stages = stageLine(state, glyphs);
    if (stages) lines.push(stages);
    const failures = failuresLine(totals.failureReasons);
    if (failures) lines.push(failures);
    lines.push(...documentLines(state.documents, { ...options, width }, glyphs));
  } else {
    lines.push([{ text: 'waiting for progress', style: 'dim' }]);
  }
  return lines.map((line) => paint(fit(line, width, glyphs), options.color)).join('\n');
}

/**
 * One plain line for logs: where the run stands, without bars. With `withTiming: false` the ETA and elapsed time are
 * left out, which makes the line a key for "did anything change?".
 */
export function renderStatusLine(state: ProgressState, options: { now?: number; withTiming?: boolean } = {}): string {
  const withTiming = options.withTiming !== false;
  const single = state.corpus === undefined && state.documents.length === 1 ? state.documents[0] : undefined;
  if (single !== undefined) {
    const { total, succeeded, failed } = single.chunks;
    const parts = [
      `${sanitize(single.name)}: ${single.stage}`,
      total > 0 ? `${succeeded}/${total} chunks` : undefined,
      failed > 0 ? `${failed} failed chunks` : undefined,
      single.attempts > 1 ? `attempt ${single.attempts}` : undefined,
      `${formatCount(single.tokens.input + single.tokens.output)} tokens`,
      formatUsd(single.costUsd),
      single.stage === 'failed' && single.failureReason ? sanitize(single.failureReason) : undefined,
    ];
    return paint(joined(parts, PLAIN_GLYPHS), false);
  }
  if (state.corpus === undefined && state.documents.length === 0) return 'waiting for progress';
  const t = state.corpus ? corpusTotals(state.corpus) : documentTotals(state.documents);
  if (!withTiming) t.etaSeconds = undefined;
  const percent = t.total > 0 ? Math.floor((t.finished / t.total) * 100) : 0;
  const stages = [...stageCounts(state.documents)]
    .filter(([stage]) => !TERMINAL.has(stage))
    .map(([stage, n]) => `${n} ${stage}`)
    .join(', ');
  const parts = [
    `${t.label !== undefined ? `${sanitize(t.label)} ` : ''}${t.stage}: ${t.finished}/${t.total} docs (${percent}%)`,
    t.failed > 0 ? `${t.failed} failed` : undefined,
    t.cancelled > 0 ? `${t.cancelled} cancelled` : undefined,
    stages || undefined,
    `${formatCount(t.tokens)} tokens`,
    formatUsd(t.costUsd),
    withTiming ? timing(t, options.now) : undefined,
  ];
  return paint(joined(parts, PLAIN_GLYPHS), false);
}

/** The closing line once a run has ended: outcome counts, tokens in and out, cost, duration, where the summary is. */
export function renderSummary(state: ProgressState, options: { now?: number } = {}): string {
  const corpus = state.corpus;
  const single = corpus === undefined && state.documents.length === 1 ? state.documents[0] : undefined;
  if (single !== undefined) {
    const elapsed = elapsedSeconds(single.startedAt, options.now);
    const parts = [
      `${sanitize(single.name)} ${single.stage}${single.failureReason ? `: ${sanitize(single.failureReason)}` : ''}`,
      `${single.chunks.total} chunks`,
      `${formatCount(single.tokens.input)} tokens in / ${formatCount(single.tokens.output)} out`,
      formatUsd(single.costUsd),
      elapsed === undefined ? undefined : `took ${formatDuration(elapsed)}`,
      single.resultUri ? `result ${single.resultUri}` : undefined,
    ];
    return paint(joined(parts, PLAIN_GLYPHS), false);
  }
  const t = corpus ? corpusTotals(corpus) : documentTotals(state.documents);
  const tokens = corpus
    ? corpus.tokens
    : state.documents.reduce(
        (sum, d) => ({ input: sum.input + d.tokens.input, output: sum.output + d.tokens.output }),
        {
          input: 0,
          output: 0,
        },
      );
  const elapsed = elapsedSeconds(t.startedAt, options.now);
  const reasons = failuresLine(t.failureReasons);
  const parts = [
    `${t.label !== undefined ? `${sanitize(t.label)} ` : ''}${t.stage}: ${t.finished - t.failed - t.cancelled} completed`,
    `${t.failed} failed`,
    `${t.cancelled} cancelled`,
    `${t.total} docs`,
    `${formatCount(tokens.input)} tokens in / ${formatCount(tokens.output)} out`,
    formatUsd(t.costUsd),
    elapsed === undefined ? undefined : `took ${formatDuration(elapsed)}`,
    corpus?.summaryUri ? `summary ${corpus.summaryUri}` : undefined,
    reasons ? paint(reasons, false) : undefined,
  ];
  return paint(joined(parts, PLAIN_GLYPHS), false);
}

// ---------------------------------------------------------------------------------------------------------------
// Printer

/** The part of a `NodeJS.WriteStream` the printer uses. */
export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressPrinterOptions {
  /** NO_COLOR is set: never colour, even on a terminal. The caller reads the environment. */
  noColor?: boolean;
  /** Overrides `stream.isTTY` (for example `--plain`). */
  tty?: boolean;
  /** Overrides `stream.columns`. */
  width?: number;
  /** Minimum time between two redraws on a terminal. */
  redrawIntervalMs?: number;
  /** Minimum time between two lines on a non-terminal stream (logs, CI). */
  lineIntervalMs?: number;
  maxDocuments?: number;
  /** Epoch-ms clock, replaceable in tests. */
  clock?: () => number;
}

const ESC = '\x1b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_LINE = `${ESC}2K`;
const CLEAR_BELOW = `${ESC}J`;

/**
 * Writes progress to a stream. On a terminal it redraws the block in place (cursor up, clear line), at most once per
 * `redrawIntervalMs`. Anywhere else it appends one plain line when something changed, at most once per
 * `lineIntervalMs`, with no escape codes or carriage returns. Updates that arrive too early are kept and shown by
 * the next due update or by `finish()`; the printer starts no timers of its own.
 */
export class ProgressPrinter {
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly clock: () => number;
  private readonly redrawIntervalMs: number;
  private readonly lineIntervalMs: number;
  private state: ProgressState | undefined;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private lastFrame = '';
  private lastFrameLines = 0;
  private lastKey = '';
  private cursorHidden = false;
  private finished = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressPrinterOptions = {},
  ) {
    this.tty = options.tty ?? stream.isTTY === true;
    this.color = this.tty && options.noColor !== true;
    this.clock = options.clock ?? Date.now;
    this.redrawIntervalMs = options.redrawIntervalMs ?? 200;
    this.lineIntervalMs = options.lineIntervalMs ?? 10_000;
  }

  /** Records the latest state and shows it if the throttle allows. */
  update(state: ProgressState): void {
    if (this.finished) return;
    this.state = state;
    const now = this.clock();
    const interval = this.tty ? this.redrawIntervalMs : this.lineIntervalMs;
    if (now - this.lastWriteAt < interval) return;
    if (this.tty) this.redraw(now);
    else this.appendLine(now);
  }

  /** Shows the last state regardless of the throttle, writes the summary line and restores the cursor. */
  finish(state?: ProgressState): void {
    if (this.finished) return;
    this.finished = true;
    if (state !== undefined) this.state = state;
    const now = this.clock();
    let out = '';
    if (this.tty && this.state !== undefined) out += this.frame(this.render(now));
    if (this.state !== undefined) out += `${renderSummary(this.state, { now })}\n`;
    if (this.cursorHidden) out += SHOW_CURSOR;
    this.cursorHidden = false;
    if (out) this.stream.write(out);
  }

  private width(): number {
    // One column short of the terminal: a line that fills it exactly wraps on some terminals and breaks cursor-up.
    const columns = this.options.width ?? this.stream.columns ?? (this.tty ? 80 : 160);
    return Math.max(10, this.tty ? columns - 1 : columns);
  }

  private render(now: number): string {
    if (this.state === undefined) return '';
    return renderProgress(this.state, {
      width: this.width(),
      tty: true,
      color: this.color,
      now,
      maxDocuments: this.options.maxDocuments,
    });
  }

  /** Escape codes that replace the previous frame with `text`. */
  private frame(text: string): string {
    const lines = text.split('\n');
    let out = this.lastFrameLines > 0 ? `${ESC}${this.lastFrameLines}A` : '';
    if (!this.cursorHidden) {
      out = HIDE_CURSOR + out;
      this.cursorHidden = true;
    }
    out += lines.map((line) => `${CLEAR_LINE}${line}\n`).join('');
    if (lines.length < this.lastFrameLines) out += CLEAR_BELOW;
    this.lastFrame = text;
    this.lastFrameLines = lines.length;
    return out;
  }

  private redraw(now: number): void {
    const text = this.render(now);
    if (text === '' || text === this.lastFrame) return;
    this.stream.write(this.frame(text));
    this.lastWriteAt = now;
  }

  private appendLine(now: number): void {
    if (this.state === undefined) return;
    const key = renderStatusLine(this.state, { withTiming: false });
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.lastWriteAt = now;
    const line = renderStatusLine(this.state, { now });
    const width = this.options.width ?? this.stream.columns;
    this.stream.write(`${width === undefined ? line : paint(fit([{ text: line }], width, PLAIN_GLYPHS), false)}\n`);
  }
}
