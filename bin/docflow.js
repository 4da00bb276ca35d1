#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly (through tsx) so the CLI, the worker and the tests always run the
// same code, with no build step between a change and its use.
require('tsx/cjs');
require('../src/node-warnings.ts').dropAwsNodeVersionNotice();
require('../src/cli/main.ts').run(process.argv);
