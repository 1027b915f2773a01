/**
 * scripts/postgres.sh, as scripts/test.sh uses it: `status` of the running test cluster, `env`
 * naming a URL that connects, and the refusals (unknown command, a DIR it will not use).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';

const SCRIPT = fileURLToPath(new URL('../../scripts/postgres.sh', import.meta.url));
const DIR = process.env.PG_DIR ?? '/tmp/edoc-pg';
const run = (...args: string[]) => spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, PG_INSTALL: 'no' } });

test('status is 0 for the running cluster; env names a URL that connects', async t => {
  t.is(run('status', DIR).status, 0);
  const env = run('env', DIR);
  t.is(env.status, 0, env.stderr);
  const url = /^EDOC_TEST_PG_URL=(\S+)$/m.exec(env.stdout)?.[1];
  t.truthy(url);
  const db = knexFactory({ client: 'pg', connection: url!, pool: { min: 0, max: 1 } });
  try {
    const { rows } = (await db.raw('show server_version')) as { rows: Array<{ server_version: string }> };
    t.regex(rows[0]!.server_version, /^\d+/);
  } finally {
    await db.destroy();
  }
});

test('refusals: an unknown command is usage (2); a DIR with a space or at the root is refused (1); status of a DIR with no cluster is 1', t => {
  t.is(run('frobnicate').status, 2);
  const spaced = run('start', '/tmp/edoc pg');
  t.is(spaced.status, 1);
  t.regex(spaced.stderr, /may only contain/);
  t.regex(run('start', '/pg').stderr, /too close to \//);
  t.is(run('status', path.join(DIR, 'no-cluster-here')).status, 1);
});
