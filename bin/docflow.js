#!/usr/bin/env node
'use strict';
// The AWS SDK warns once per process that its releases after January 2027 will need Node 22. docflow's lockfile
// pins SDK releases that support Node 20, so the warning is not actionable here: drop it, keep every other warning.
const printWarning = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (String(warning && warning.message).startsWith('NodeVersionSupportWarning')) return;
  for (const listener of printWarning) listener(warning);
});
// Runs the TypeScript sources directly (through tsx) so the CLI, the worker and the tests always run the
// same code, with no build step between a change and its use.
require('tsx/cjs');
require('../src/cli/main.ts').run(process.argv);
