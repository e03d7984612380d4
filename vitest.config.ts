import { defineConfig } from 'vitest/config';

// Projects as in docs/contracts.md §10. Integration and e2e files run one at a time:
// they start real tmux servers and daemons, and 2 cores are all we have. Those projects
// (and the real CLIs') retry a failed test once: a loaded machine can starve a real pane
// past a wait. A test that passes only on its retry is still reported as flaky by .ci/run.
export default defineConfig({
  test: {
    // The run's own TMPDIR, removed at the end: no test leaves a temp folder behind.
    globalSetup: ['test/helpers/run-tmpdir.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/helpers/isolation-guard.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          retry: 1,
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/helpers/isolation-guard.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          retry: 1,
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/helpers/isolation-guard.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'backends',
          retry: 1,
          include: ['test/backends/**/*.test.ts'],
          setupFiles: ['test/helpers/isolation-guard.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
