import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installTestRuntime } from './temporal';

/** The replay fixtures: one folder per release under here, each with an `index.json` and gzipped histories. */
export const HISTORIES_DIR = join(__dirname, '../fixtures/histories');

/** One recorded run of a workflow: which scenario produced it and under which workflow id it ran. */
export interface FixtureEntry {
  /** File name in the release folder: `<scenario>.<label>.json.gz`. */
  file: string;
  scenario: string;
  workflowType: string;
  /** Workflows derive ids from their own workflow id, so a history replays under the id it ran with. */
  workflowId: string;
  /** How the run had ended when it was recorded (RUNNING: still in flight, as a long-lived collector is). */
  status: string;
  events: number;
}

export interface FixtureIndex {
  /** The docflow version whose workflow code recorded these histories. */
  version: string;
  recordedAt: string;
  fixtures: FixtureEntry[];
}

export interface LoadedFixture extends FixtureEntry, HistoryAndWorkflowId {
  release: string;
  history: History;
}

/** The release folders, oldest first (by version number). */
export async function releaseFolders(root = HISTORIES_DIR): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d+\.\d+\.\d+/.test(e.name))
    .map((e) => e.name)
    .sort(compareVersions);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

export async function readFixtureIndex(dir: string): Promise<FixtureIndex> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as FixtureIndex;
}

/** Every history of one release folder, ready for `Worker.runReplayHistories`. */
export async function loadRelease(release: string, root = HISTORIES_DIR): Promise<LoadedFixture[]> {
  const dir = join(root, release);
  const index = await readFixtureIndex(dir);
  return Promise.all(
    index.fixtures.map(async (entry) => ({
      ...entry,
      release,
      history: historyFromJSON(JSON.parse(gunzipSync(await readFile(join(dir, entry.file))).toString('utf8'))),
    })),
  );
}

/** Writes one history as gzipped proto-JSON (the format `temporal workflow show --output json` prints). */
export async function writeHistory(path: string, history: History): Promise<number> {
  const bytes = gzipSync(Buffer.from(historyToJSON(history)), { level: 9 });
  await writeFile(path, bytes);
  return bytes.byteLength;
}

export interface ReplayOutcome {
  fixture: LoadedFixture;
  /** Undefined when the history replayed; a DeterminismViolationError when the code issues other commands. */
  error?: Error;
}

/**
 * Replays fixtures against a workflow bundle, one replay worker for all of them. Histories are replayed one at a time
 * and their results come back in the same order.
 */
export async function replayFixtures(
  workflowBundle: { codePath: string } | { code: string },
  fixtures: LoadedFixture[],
): Promise<ReplayOutcome[]> {
  installTestRuntime();
  const outcomes: ReplayOutcome[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, fixtures)) {
    const fixture = fixtures[outcomes.length] as LoadedFixture;
    if (result.workflowId !== fixture.workflowId) {
      throw new Error(`replay results out of order: ${result.workflowId} for ${fixture.file}`);
    }
    outcomes.push({ fixture, error: result.error });
  }
  if (outcomes.length !== fixtures.length) {
    throw new Error(`replayed ${outcomes.length} of ${fixtures.length} histories`);
  }
  return outcomes;
}
