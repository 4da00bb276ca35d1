import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The CUAD sample beside the repository (never copied into it); absent on machines without ../shared. */
export const CUAD_DIR = resolve(__dirname, '../../../shared/corpus/cuad');
export const CUAD_CONTRACTS_DIR = join(CUAD_DIR, 'contracts');

export function cuadAvailable(): boolean {
  return existsSync(CUAD_CONTRACTS_DIR);
}

export function cuadContractPaths(): string[] {
  return readdirSync(CUAD_CONTRACTS_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(CUAD_CONTRACTS_DIR, f));
}

/**
 * A short service agreement written for the tests, with a distinctive marker line so tests can look for
 * its text where it must never appear (workflow histories).
 */
export function shortContract(marker: string): string {
  return [
    'SERVICES AGREEMENT',
    '',
    `This Services Agreement (the "Agreement") is made as of March 3, 2025 (the "Effective Date") by and between ` +
      `Quillfeather Analytics LLC, a Delaware limited liability company ("Provider"), and Harborline Freight Inc., ` +
      `an Oregon corporation ("Customer").`,
    '',
    `Reference ${marker}.`,
    '',
    '1. Services. Provider shall provide route optimisation services described in each statement of work.',
    '',
    '2. Fees. Customer shall pay all undisputed invoices within thirty (30) days of receipt. Late amounts bear ' +
      'interest at one percent (1%) per month.',
    '',
    '3. Term and Termination. This Agreement continues for two (2) years and renews automatically for successive ' +
      'one-year terms unless either party gives ninety (90) days notice. Either party may terminate for material ' +
      'breach not cured within thirty (30) days.',
    '',
    '4. Indemnification. Customer shall indemnify, defend and hold harmless Provider from any and all claims ' +
      'arising out of the Services, without limitation.',
    '',
    '5. Governing Law. This Agreement shall be governed by the laws of the State of Oregon.',
    '',
    'IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.',
    '',
  ].join('\n');
}

/** Writes files into a fresh temporary folder and returns their paths. */
export async function writeTempFiles(files: Record<string, string>): Promise<{ dir: string; paths: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'docflow-docs-'));
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, text);
    paths.push(path);
  }
  return { dir, paths };
}
