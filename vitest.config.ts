import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src-*/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one temp folder for the whole run, removed at its end (test/helpers/tmpSandbox.ts)
    globalSetup: ['test/helpers/tmpSandbox.ts'],
    reporters: ['default', ['json', { outputFile: 'test-reports/vitest.json' }]],
  },
});
