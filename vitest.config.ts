import { defineConfig } from 'vitest/config';

// Projects as in docs/contracts.md §10. Integration and e2e files run one at a time:
// they start real tmux servers and daemons, and 2 cores are all we have.
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
