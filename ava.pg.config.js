// The PostgreSQL pass of scripts/test.sh (EDOC_TEST_DB=pg: every test database is a fresh
// PostgreSQL database, test/helpers/pg.ts): the repositories, the pipelines' unit tests (they run
// their repositories through the App), the web app's (accounts, sessions, tokens, its look-ups),
// the PostgreSQL-only tests, and the CLI's database commands.
// The integration tests run on PostgreSQL through ava.integration.config.js with the same variable.
export default {
  files: [
    'test/db/**/*.test.ts',
    'test/pg/**/*.test.ts',
    'test/inbound/**/*.test.ts',
    'test/outbound/**/*.test.ts',
    'test/reconcile/**/*.test.ts',
    'test/register/**/*.test.ts',
    'test/schedule/**/*.test.ts',
    'test/cycle.test.ts',
    'test/web/**/*.test.ts',
    'test/cli/db-postgres.test.ts',
  ],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '3m',
  workerThreads: false,
  concurrency: 2,
};
