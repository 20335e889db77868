import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  // .vue single-file components for the renderer's component tests (test/renderer, happy-dom per file)
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts', 'src-*/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one temp folder for the whole run, removed at its end (test/helpers/tmpSandbox.ts)
    globalSetup: ['test/helpers/tmpSandbox.ts', 'test/helpers/parityNotice.ts'],
    reporters: ['default', ['json', { outputFile: 'test-reports/vitest.json' }]],
  },
});
