/* eslint-disable no-control-regex -- these tests look for terminal escape codes on purpose */
import { describe, expect, it } from 'vitest';
import {
  ProgressPrinter,
  formatCount,
  formatDuration,
  formatUsd,
  renderProgress,
  renderStatusLine,
  renderSummary,
} from '../../src/cli/progress';
import type { ProgressState, ProgressStream } from '../../src/cli/progress';
import type { CorpusProgress, DocumentProgress, DocumentStage } from '../../src/shared/types';

const T0 = Date.parse('2025-03-01T09:00:00Z');

function doc(name: string, stage: DocumentStage, overrides: Partial<DocumentProgress> = {}): DocumentProgress {
  return {
    docId: `doc-${name}`,
    name,
    stage,
    priority: 'normal',
    mode: 'batch',
    chunks: { total: 4, succeeded: 1, failed: 0, pending: 3 },
    jobs: [],
    attempts: 1,
    batchChunks: 1,
    onDemandChunks: 0,
    onDemandReasons: {},
    tokens: { input: 9000, output: 600 },
    costUsd: 0.0042,
    onDemandUsd: 0.0084,
    startedAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0 + 60_000).toISOString(),
    ...overrides,
  };
}

function corpus(overrides: Partial<CorpusProgress> = {}): CorpusProgress {
  return {
    batchId: 'corpus-q1-review',
    stage: 'running',
    counts: { total: 40, started: 30, completed: 22, failed: 2, cancelled: 0, running: 6 },
    tokens: { input: 1_000_000, output: 200_000 },
    costUsd: 0.84,
    costs: {
      tokens: { input: 1_000_000, output: 200_000 },
      costUsd: 0.84,
      onDemandUsd: 1.68,
      batchChunks: 120,
      onDemandChunks: 0,
      onDemandReasons: {},
    },
    startedAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0 + 120_000).toISOString(),
    etaSeconds: 80,
    failureReasons: { 'Bedrock job expired': 2 },
    ...overrides,
  };
}

const sampleDocuments = (): DocumentProgress[] => [
  doc('master-services-agreement-between-northwind-and-harbourline-final-signed.pdf', 'waiting-batch'),
  doc('mutual-nda.txt', 'extracting', { chunks: { total: 0, succeeded: 0, failed: 0, pending: 0 } }),
  doc('lease.html', 'retrying', { attempts: 2, chunks: { total: 4, succeeded: 2, failed: 1, pending: 1 } }),
  doc('supply.txt', 'waiting-batch'),
  doc('done.txt', 'completed'),
  doc('broken.xls', 'failed', { failureReason: 'unsupported format' }),
  doc('later.txt', 'queued'),
];

/** A stream that records what was written. */
class FakeStream implements ProgressStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const chars = (s: string): number => Array.from(s).length;

describe('formatting', () => {
  it('abbreviates token counts', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1_200)).toBe('1.2k');
    expect(formatCount(340_000)).toBe('340k');
    expect(formatCount(1_200_000)).toBe('1.2M');
    expect(formatCount(999_999)).toBe('1M');
  });

  it('shows cents, and two significant digits below a cent', () => {
    expect(formatUsd(0.84)).toBe('$0.84');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
  });

  it('formats ETAs compactly', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(80)).toBe('1m20s');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3h05m');
    expect(formatDuration(-1)).toBe('?');
  });
});

describe('renderProgress', () => {
  const state: ProgressState = { corpus: corpus(), documents: sampleDocuments() };

  it('leads with a corpus bar, finished/total docs, failures, tokens, cost and ETA', () => {
    const first = renderProgress(state, { width: 100, tty: true, color: false }).split('\n')[0];
    expect(first).toMatch(/^\[█+░+\] 24\/40 docs · 2 failed · 1\.2M tokens · \$0\.84 · ETA 1m20s$/);
  });

  it('counts the documents in each stage, in pipeline order', () => {
    const lines = renderProgress(state, { width: 120, tty: true, color: false }).split('\n');
    expect(lines).toContain('stages: 1 queued · 1 extracting · 2 waiting-batch · 1 retrying · 1 completed · 1 failed');
  });

  it('falls back to the corpus counts for the stage line when no documents are known', () => {
    const text = renderProgress({ corpus: corpus(), documents: [] }, { width: 120, tty: true, color: false });
    expect(text).toContain('stages: 10 queued · 6 invoking · 22 completed · 2 failed');
  });

  it('lists active documents with their stage and chunk bar, but not finished or queued ones', () => {
    const lines = renderProgress(state, { width: 120, tty: true, color: false }).split('\n');
    const lease = lines.find((l) => l.includes('lease.html'));
    expect(lease).toMatch(/retrying\s+\[█{7}░{3}\] 2\/4 chunks · 1 failed · attempt 2/);
    expect(lines.some((l) => l.includes('done.txt') || l.includes('later.txt'))).toBe(false);
  });

  it('collapses documents beyond the limit into "+N more"', () => {
    const text = renderProgress(state, { width: 120, tty: true, color: false, maxDocuments: 2 });
    const docLines = text.split('\n').filter((l) => l.startsWith('  '));
    expect(docLines).toHaveLength(2);
    expect(docLines[1]).toBe('  +3 more');
  });

  it.each([12, 24, 40, 60, 80, 132])('keeps every line within %i characters', (width) => {
    for (const tty of [true, false]) {
      for (const color of [true, false]) {
        const lines = renderProgress(state, { width, tty, color }).split('\n');
        for (const line of lines) expect(chars(stripAnsi(line))).toBeLessThanOrEqual(width);
      }
    }
  });

  it('keeps the extension of a long file name when shortening it', () => {
    const text = renderProgress(state, { width: 80, tty: true, color: false });
    expect(text).toMatch(/ {2}master-serv\S*…\S*signed\.pdf {2}/);
  });

  it('uses only ASCII without a terminal', () => {
    const text = renderProgress(state, { width: 100, tty: false, color: false });
    expect(text).toMatch(/^\[#+-+\] 24\/40 docs \| 2 failed/);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
  });

  it('colours only when asked', () => {
    expect(renderProgress(state, { width: 100, tty: true, color: true })).toContain('\x1b[31m2 failed\x1b[0m');
    expect(renderProgress(state, { width: 100, tty: true, color: false })).not.toContain('\x1b');
  });

  it('strips control characters from document names', () => {
    const hostile = doc('evil\x1b[2Jname\r.txt', 'invoking');
    const text = renderProgress(
      { documents: [hostile, doc('b.txt', 'invoking')] },
      { width: 100, tty: true, color: false },
    );
    expect(text).not.toMatch(/[\x1b\r]/);
  });

  it('shows a lone document as a single line with its chunk progress', () => {
    const text = renderProgress({ documents: [doc('lease.html', 'invoking')] }, { width: 80, tty: true, color: false });
    expect(text).toBe('lease.html  invoking      [██░░░░░░░░] 1/4 chunks · 9.6k tokens');
  });

  it('shows elapsed time instead of an ETA once the corpus is summarizing', () => {
    const text = renderProgress(
      { corpus: corpus({ stage: 'summarizing', etaSeconds: undefined }), documents: [] },
      { width: 120, tty: true, color: false, now: T0 + 125_000 },
    );
    expect(text.split('\n')[0]).toMatch(/2m05s elapsed · summarizing$/);
  });
});

describe('status and summary lines', () => {
  it('describes the run in one plain line', () => {
    const line = renderStatusLine({ corpus: corpus(), documents: sampleDocuments() }, { now: T0 });
    expect(line).toBe(
      'corpus-q1-review running: 24/40 docs (60%) | 2 failed | 1 queued, 1 extracting, 2 waiting-batch, 1 retrying | 1.2M tokens | $0.84 | ETA 1m20s',
    );
  });

  it('summarises outcome, tokens in and out, cost, duration and where the summary is', () => {
    const done = corpus({
      stage: 'completed',
      counts: { total: 40, started: 40, completed: 38, failed: 2, cancelled: 0, running: 0 },
      summaryUri: 'file:///tmp/store/corpora/corpus-q1-review/summary.json',
      etaSeconds: undefined,
    });
    expect(renderSummary({ corpus: done, documents: [] }, { now: T0 + 312_000 })).toBe(
      'corpus-q1-review completed: 38 completed | 2 failed | 0 cancelled | 40 docs | 1M tokens in / 200k out | $0.84 | ' +
        'took 5m12s | summary file:///tmp/store/corpora/corpus-q1-review/summary.json | failures: 2x Bedrock job expired',
    );
  });

  it('gives the reason when a lone document failed', () => {
    const failed = doc('broken.xls', 'failed', { failureReason: 'unsupported format' });
    expect(renderSummary({ documents: [failed] })).toMatch(/^broken\.xls failed: unsupported format \| 4 chunks/);
  });
});

describe('ProgressPrinter on a non-terminal stream', () => {
  function printer(stream: FakeStream, clock: { now: number }): ProgressPrinter {
    return new ProgressPrinter(stream, { lineIntervalMs: 10_000, clock: () => clock.now });
  }

  it('appends plain lines without escape codes or carriage returns, and ends with a summary', () => {
    const stream = new FakeStream(false);
    const clock = { now: T0 };
    const p = printer(stream, clock);
    for (let i = 0; i <= 40; i += 4) {
      p.update({
        corpus: corpus({ counts: { total: 40, started: 40, completed: i, failed: 0, cancelled: 0, running: 40 - i } }),
        documents: [],
      });
      clock.now += 15_000;
    }
    p.finish({ corpus: corpus({ stage: 'completed' }), documents: [] });

    expect(stream.text).not.toMatch(/[\x1b\r]/);
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/^corpus-q1-review running: 0\/40 docs \(0%\)/);
    expect(lines[10]).toMatch(/^corpus-q1-review running: 40\/40 docs \(100%\)/);
    expect(lines[11]).toMatch(/^corpus-q1-review completed: 22 completed \| 2 failed/);
  });

  it('prints at most one line per interval', () => {
    const stream = new FakeStream(false);
    const clock = { now: T0 };
    const p = printer(stream, clock);
    for (let i = 0; i < 30; i += 1) {
      const counts = { total: 40, started: 40, completed: i, failed: 0, cancelled: 0, running: 40 - i };
      p.update({ corpus: corpus({ counts }), documents: [] });
      clock.now += 1_000;
    }
    expect(stream.chunks).toHaveLength(3);
  });

  it('stays quiet while nothing but the ETA changes', () => {
    const stream = new FakeStream(false);
    const clock = { now: T0 };
    const p = printer(stream, clock);
    for (let eta = 600; eta > 0; eta -= 60) {
      p.update({ corpus: corpus({ etaSeconds: eta }), documents: [] });
      clock.now += 60_000;
    }
    expect(stream.chunks).toHaveLength(1);
  });

  it('never colours a non-terminal, whatever the options say', () => {
    const stream = new FakeStream(false);
    const p = new ProgressPrinter(stream, { noColor: false });
    p.update({ corpus: corpus(), documents: sampleDocuments() });
    p.finish();
    expect(stream.text).not.toContain('\x1b');
    expect(stream.text.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('ProgressPrinter on a terminal', () => {
  it('hides the cursor, redraws in place with cursor-up and clear-line, and shows the cursor at the end', () => {
    const stream = new FakeStream(true, 100);
    const clock = { now: T0 };
    const p = new ProgressPrinter(stream, { redrawIntervalMs: 100, clock: () => clock.now });
    const documents = sampleDocuments();
    p.update({ corpus: corpus(), documents });
    clock.now += 500;
    const counts = { total: 40, started: 31, completed: 23, failed: 2, cancelled: 0, running: 6 };
    p.update({ corpus: corpus({ counts }), documents });
    p.finish();

    const [first, second, last] = stream.chunks;
    expect(first?.startsWith('\x1b[?25l')).toBe(true);
    const firstLines = stripAnsi(first ?? '')
      .trimEnd()
      .split('\n').length;
    expect(second?.startsWith(`\x1b[${firstLines}A\x1b[2K`)).toBe(true);
    expect(stripAnsi(second ?? '')).toContain('25/40 docs');
    expect(last?.endsWith('\x1b[?25h')).toBe(true);
    expect(stripAnsi(last ?? '')).toMatch(/corpus-q1-review running: 23 completed/);
  });

  it('throttles redraws and skips identical frames', () => {
    const stream = new FakeStream(true, 100);
    const clock = { now: T0 };
    const p = new ProgressPrinter(stream, { redrawIntervalMs: 200, clock: () => clock.now });
    const state = { corpus: corpus(), documents: sampleDocuments() };
    for (let i = 0; i < 10; i += 1) {
      p.update(state);
      clock.now += 50;
    }
    clock.now += 1_000;
    p.update(state);
    expect(stream.chunks).toHaveLength(1);
  });

  it('fits the terminal width, one column short to avoid wrapping', () => {
    const stream = new FakeStream(true, 50);
    const p = new ProgressPrinter(stream);
    p.update({ corpus: corpus(), documents: sampleDocuments() });
    const lines = stripAnsi(stream.text).split('\n').filter(Boolean);
    for (const line of lines) expect(chars(line)).toBeLessThanOrEqual(49);
  });

  it('respects NO_COLOR but still moves the cursor', () => {
    const stream = new FakeStream(true, 100);
    const clock = { now: T0 };
    const p = new ProgressPrinter(stream, { noColor: true, clock: () => clock.now });
    p.update({ corpus: corpus(), documents: sampleDocuments() });
    clock.now += 1_000;
    p.update({ corpus: corpus({ costUsd: 0.9 }), documents: sampleDocuments() });
    expect(stream.text).not.toMatch(/\x1b\[\d*m/);
    expect(stream.text).toMatch(/\x1b\[\d+A/);
  });
});
