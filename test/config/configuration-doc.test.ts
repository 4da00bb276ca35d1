import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationReference } from '../../src/cli/commands/config';
import { SETTINGS } from '../../src/config/settings';

describe('configuration reference', () => {
  it('docs/configuration.md is generated from the current settings (docflow config --markdown)', async () => {
    const committed = await readFile(join(__dirname, '../../docs/configuration.md'), 'utf8');
    expect(committed).toBe(configurationReference());
  });

  it('names every setting and its environment variables', () => {
    const doc = configurationReference();
    for (const setting of SETTINGS) {
      expect(doc).toContain(`\`${setting.key}\``);
      for (const env of setting.env) expect(doc).toContain(`\`${env}\``);
    }
  });
});
