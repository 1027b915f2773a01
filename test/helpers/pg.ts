/**
 * PostgreSQL for the tests: with EDOC_TEST_DB=pg, every test database is a fresh PostgreSQL
 * database on the throw-away cluster of scripts/postgres.sh (created here, dropped on close), so the
 * same tests run on both databases. The cluster's superuser URL comes from EDOC_TEST_PG_URL, or
 * from the env file the script writes ($PG_DIR/postgres.env, default /tmp/edoc-pg).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';

/** The database the tests run on: `EDOC_TEST_DB=pg` or SQLite (the default). */
export function testDbClient(): 'pg' | 'sqlite3' {
  const v = (process.env.EDOC_TEST_DB ?? 'sqlite').toLowerCase();
  if (v === 'pg' || v === 'postgres' || v === 'postgresql') return 'pg';
  if (v === 'sqlite' || v === 'sqlite3' || v === '') return 'sqlite3';
  throw new Error(`EDOC_TEST_DB must be sqlite or pg, got '${process.env.EDOC_TEST_DB}'`);
}

/** The superuser URL of the test cluster; a clear error when it was never started. */
export function testPgAdminUrl(): string {
  if (process.env.EDOC_TEST_PG_URL) return process.env.EDOC_TEST_PG_URL;
  const file = path.join(process.env.PG_DIR ?? '/tmp/edoc-pg', 'postgres.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`EDOC_TEST_DB=pg but neither EDOC_TEST_PG_URL nor ${file} is there: run scripts/postgres.sh start`);
  }
  const m = /^EDOC_TEST_PG_URL=(.+)$/m.exec(text);
  if (!m) throw new Error(`${file} names no EDOC_TEST_PG_URL`);
  return m[1]!.trim();
}

export type PgTestDatabase = { url: string; name: string; drop(): Promise<void> };

/** A new empty database on the test cluster; `drop()` ends its connections and removes it. */
export async function createPgDatabase(): Promise<PgTestDatabase> {
  const admin = testPgAdminUrl();
  const name = `edoc_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adm = knexFactory({ client: 'pg', connection: admin, pool: { min: 0, max: 1 } });
  try {
    await adm.raw(`create database ${name}`);
  } finally {
    await adm.destroy();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const a = knexFactory({ client: 'pg', connection: admin, pool: { min: 0, max: 1 } });
      try {
        await a.raw(`drop database if exists ${name} with (force)`);
      } finally {
        await a.destroy();
      }
    },
  };
}
