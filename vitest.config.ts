import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Browser and child-process tests start real servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // A folder the end-to-end files share set-up through (one smoke experiment for all: test/support/shared-smoke.ts).
    globalSetup: ['./test/support/global-setup.ts'],
  },
});
