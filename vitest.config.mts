import { defineConfig } from 'vitest/config';

// Tests that need Temporal live under these folders; the rest run without a server.
const temporalTests = [
  'test/harness/**/*.test.ts',
  'test/workflows/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/cli/**/*.test.ts',
];

export default defineConfig({
  test: {
    // The Temporal SDK's native bridge does not survive worker threads: run test files in child processes.
    pool: 'forks',
    setupFiles: ['test/support/setup-file.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: temporalTests },
      },
      {
        extends: true,
        test: {
          name: 'temporal',
          include: temporalTests,
          // One Temporal dev server and one workflow bundle for the whole run.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
