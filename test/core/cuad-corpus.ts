/**
 * The 40 CUAD contracts, read from the shared corpus folder (never copied into the repository). Tests that use them
 * call `describe.skipIf(!cuad.available)` so a checkout without the corpus still passes, with a visible skip reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CUAD_DIR = process.env.DOCFLOW_CUAD_DIR ?? '/work/shared/corpus/cuad';
const contractsDir = join(CUAD_DIR, 'contracts');

export const cuad = {
  available: existsSync(contractsDir),
  skipReason: `CUAD corpus not found at ${contractsDir} (set DOCFLOW_CUAD_DIR): skipping corpus tests`,
};

export interface CuadContract {
  name: string;
  text: string;
}

let cache: CuadContract[] | undefined;

export function cuadContracts(): CuadContract[] {
  cache ??= readdirSync(contractsDir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(contractsDir, name), 'utf8') }));
  return cache;
}
