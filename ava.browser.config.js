// Browser tests: Debian's Chromium through playwright-core (test/helpers/browser.ts). One browser
// at a time on a 2-core machine; the journey also uses the real mail servers, so files run serially.
export default {
  files: ['test/browser/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '5m',
  workerThreads: false,
  concurrency: 1,
  serial: true,
};
