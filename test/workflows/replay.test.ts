import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { SCENARIOS } from '../support/fixture-scenarios';
import { HISTORIES_DIR, compareVersions, loadRelease, replayFixtures } from '../support/fixtures';

/**
 * The determinism check of CI. Every release keeps the histories recorded from its workflow code in a folder of its
 * own (test/fixtures/histories/<version>/, written by `npm run fixtures:record`), and every one of them must replay on
 * the current code: a change that alters the commands a workflow issues, without `patched()`, fails here for the runs
 * that were in flight when it shipped. See the README, "Shipping a workflow change".
 */
const releases = readdirSync(HISTORIES_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d+\.\d+\.\d+/.test(e.name))
  .map((e) => e.name)
  .sort(compareVersions);

describe('workflow replay', () => {
  it('keeps the histories of at least one release', () => {
    expect(releases.length).toBeGreaterThan(0);
  });

  it.each(releases)('replays every history recorded by release %s on the current workflow code', async (release) => {
    const fixtures = await loadRelease(release);
    expect(fixtures.length).toBeGreaterThan(0);
    const outcomes = await replayFixtures({ codePath: inject('workflowBundlePath') }, fixtures);
    const broken = outcomes
      .filter((o) => o.error)
      .map((o) => `${release}/${o.fixture.file} (${o.fixture.workflowType}): ${o.error?.message ?? ''}`);
    expect(broken, 'histories that no longer replay: version the change with patched()').toEqual([]);
  });

  it('has fixtures of every scenario and every workflow type in the newest release folder', async () => {
    const newest = releases[releases.length - 1] as string;
    const fixtures = await loadRelease(newest);
    expect([...new Set(fixtures.map((f) => f.workflowType))].sort()).toEqual([
      'analyzeCorpus',
      'analyzeDocument',
      'batchCollector',
      'bedrockBatchJob',
    ]);
    const recorded = new Set(fixtures.map((f) => f.scenario));
    const missing = SCENARIOS.map((s) => s.name).filter((name) => !recorded.has(name));
    expect(missing, `scenarios without fixtures in ${newest}: run npm run fixtures:record`).toEqual([]);
    // Each history is the run it says it is (the first event names its type).
    for (const f of fixtures) {
      const started = f.history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.workflowType?.name, f.file).toBe(f.workflowType);
      expect(f.history.events?.length, f.file).toBe(f.events);
    }
  });
});
