// Integration tests: the real Postfix + Dovecot of scripts/mailserver.sh. They share its
// mailboxes, so files run one at a time (--concurrency 1) and tests inside a file serially.
export default {
  files: ['test/integration/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '3m',
  workerThreads: false,
  concurrency: 1,
  serial: true,
};
