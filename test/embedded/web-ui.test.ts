import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from './run-cli';

/** Debian's Chromium (`apt-get install chromium`); the test says so and skips when it is not installed. */
const CHROMIUM = process.env.DOCFLOW_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '../../test-artifacts');
const BIN = join(__dirname, '../../bin/docflow.js');
const REPO = join(__dirname, '../..');

if (!existsSync(CHROMIUM)) {
  console.warn(
    `Skipping the Web UI test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set DOCFLOW_CHROMIUM).`,
  );
}

describe.skipIf(!existsSync(CHROMIUM))('the Temporal Web UI of `docflow dev`', () => {
  let dev: ChildProcess;
  let browser: Browser;
  let dataDir: string;
  let env: Record<string, string>;
  let uiPort: number;
  let devOutput = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'docflow-webui-'));
    uiPort = await freePort();
    env = {
      DOCFLOW_DATA_DIR: join(dataDir, '.docflow'),
      DOCFLOW_TEMPORAL_PORT: String(await freePort()),
      DOCFLOW_UI_PORT: String(uiPort),
      DOCFLOW_EMULATOR_PORT: String(await freePort()),
    };
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('DOCFLOW_') && !k.startsWith('TEMPORAL_')),
    );
    dev = spawn(process.execPath, [BIN, 'dev'], {
      cwd: dataDir,
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout?.on('data', (d: Buffer) => (devOutput += d.toString()));
    dev.stderr?.on('data', (d: Buffer) => (devOutput += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!devOutput.includes('docflow dev is running')) {
      if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`docflow dev did not start:\n${devOutput}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As root in CI, without the sandbox; no background traffic to the (closed) network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (dev && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists the workflows of a batch by docflow search attribute and shows a document’s attributes', async () => {
    // `analyze` finds the running `docflow dev` through its data folder and submits to it.
    const files = ['mutual-nda.txt', 'software-licence.txt'].map((f) => join(REPO, 'examples/contracts', f));
    const run = await runCli(['analyze', ...files, '--json', '--out', join(dataDir, 'out')], { env, cwd: dataDir });
    expect(run.code, run.stderr).toBe(0);
    const { batchId } = JSON.parse(run.stdout) as { batchId: string };

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const query = encodeURIComponent(`DocflowBatchId = "${batchId}"`);
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${query}`);
    const rows = page.locator('text=/docflow-(doc|corpus)-/');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const listed = await page.innerText('body');
    expect(listed).toContain(`docflow-corpus-${batchId}`);
    expect(listed.match(/docflow-doc-[0-9a-f]{24}/g)?.length).toBeGreaterThanOrEqual(2);
    expect(listed).toContain('analyzeDocument');
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-batch.png') });

    const docId = /docflow-doc-[0-9a-f]{24}/.exec(listed)?.[0] ?? '';
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${docId}`);
    await page.getByText('Search Attributes').first().click();
    const details = page.locator('body');
    await expect.poll(() => details.innerText(), { timeout: 30_000 }).toContain('DocflowStage');
    const text = await details.innerText();
    expect(text).toContain('DocflowBatchId');
    expect(text).toContain(batchId);
    expect(text).toContain('DocflowModel');
    expect(text).toMatch(/completed/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-document.png'), fullPage: true });
    await page.close();
  });
});
