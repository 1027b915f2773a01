/**
 * `db migrate`, `run --once` and `db backup` against a PostgreSQL server that cannot be used: one
 * line naming the server and why, the catalogue's exit code (DB_UNAVAILABLE), no stack trace and
 * never the password. Real child processes, as an operator runs them.
 */
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { errorSpec } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { configObject, worldEnv } from '../helpers/world.js';

/** A loopback port nobody listens on (bound, then released). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise(r => srv.close(r));
  return port;
}

async function setup(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-pgdown-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  const file = path.join(dir, 'config.yaml');
  const database = { client: 'pg', connection: `postgres://edoc@127.0.0.1:${port}/edoc`, passwordEnv: 'EDOC_DB_PASSWORD' };
  await writeFile(file, stringify(configObject(dir, ['soyte'], { database })));
  return { port, env: worldEnv(undefined, { EDOC_BRIDGE_CONFIG: file, EDOC_DB_PASSWORD: 'secret-pw-42' }) };
}

for (const args of [['db', 'migrate'], ['run', '--once'], ['db', 'backup']]) {
  test(`${args.join(' ')} with PostgreSQL down: DB_UNAVAILABLE, its exit code, one line, no stack, no password`, async t => {
    const s = await setup(t);
    const r = await runCli(args, s.env);
    t.is(r.code, errorSpec('DB_UNAVAILABLE').exit, r.stderr);
    const lines = r.stderr.trim().split('\n').filter(l => !l.startsWith('{'));
    t.is(lines.length, 1, r.stderr);
    t.regex(lines[0]!, new RegExp(`^error: DB_UNAVAILABLE: PostgreSQL at 127\\.0\\.0\\.1:${s.port}/edoc: connection refused`));
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
    t.notRegex(r.stderr + r.stdout, /secret-pw-42/);
  });
}
