/**
 * A migrated test database: a SQLite file in a temporary directory (a file, so a second connection
 * can share it), or with EDOC_TEST_DB=pg a fresh PostgreSQL database (test/helpers/pg.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, openDb, type Db } from '../../src/db/connect.js';
import type { Config } from '../../src/config/schema.js';
import { agencies } from './factories.js';
import { createPgDatabase, testDbClient } from './pg.js';

export type TestDb = {
  db: Db;
  /** The SQLite file ('' on PostgreSQL). */
  file: string;
  /** The database settings, as a configuration names them. */
  settings: Config['storage']['database'];
  open(): Db;
  close(): Promise<void>;
};

/** Database settings for a world or a CLI test in `dir`: a SQLite file there, or a new PostgreSQL database. */
export async function createTestDatabase(dir: string): Promise<{ settings: Config['storage']['database']; drop(): Promise<void> }> {
  if (testDbClient() === 'pg') {
    const pg = await createPgDatabase();
    return { settings: { client: 'pg', connection: pg.url }, drop: pg.drop };
  }
  return { settings: { client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') }, drop: async () => {} };
}

/** Create and migrate a database; `open()` gives another independent connection (as a second process would). */
export async function createTestDb(): Promise<TestDb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-db-'));
  const made = await createTestDatabase(dir);
  const settings = made.settings.client === 'sqlite3' ? { ...made.settings, filename: path.join(dir, 'test.sqlite') } : made.settings;
  const db = openDb(settings);
  await migrate(db);
  const others: Db[] = [];
  return {
    db,
    file: settings.filename ?? '',
    settings,
    open: () => {
      const other = openDb(settings);
      others.push(other);
      return other;
    },
    close: async () => {
      for (const o of others) await o.destroy();
      await db.destroy();
      await made.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The agencies rows the foreign keys need (through the directory's own upsert). */
export async function seedAgencies(db: Db, codes: string[]): Promise<void> {
  await agencies(db, codes);
}
