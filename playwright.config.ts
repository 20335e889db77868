import { defineConfig } from '@playwright/test';

// Headless Debian Chromium (never `playwright install`); globalSetup builds the app, writes a demo
// project and starts the browser host on a free port.
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  globalSetup: './test/e2e/globalSetup.ts',
  outputDir: 'test-results',
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] },
    trace: 'off',
    screenshot: 'off',
  },
});
