/**
 * A migrated test database: a SQLite file in a temporary directory (a file, so a second connection
 * can share it), or with EDOC_TEST_DB=pg a fresh PostgreSQL database (test/helpers/pg.ts).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
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

/**
 * A SQLite file migrated once in this process (docs/testing.md §Unit suite speed): each test
 * database starts as a copy of it instead of running every migration again. It is made by the same
 * `migrate` the App runs, in this process, so a migration that fails fails here; openApp and
 * createTestDb still call `migrate` on the copy, which must find nothing left to apply.
 */
let template: Promise<string> | undefined;
// The temporary folder as the process started: a test may point TMPDIR at a folder of its own and remove it.
const TMP = tmpdir();
function migratedTemplate(): Promise<string> {
  return (template ??= (async () => {
    const dir = await mkdtemp(path.join(TMP, 'edoc-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'template.sqlite');
    const db = openDb({ client: 'sqlite3', filename: file });
    try {
      await migrate(db);
    } finally {
      // Closing the only connection checkpoints the WAL into the file, so a copy of it is complete.
      await db.destroy();
    }
    return file;
  })());
}

/** Start a new SQLite database as a copy of the migrated template (PostgreSQL, or a file already there: left as is). */
export async function premigrate(settings: Config['storage']['database']): Promise<void> {
  if (settings.client !== 'sqlite3' || !settings.filename || existsSync(settings.filename)) return;
  await copyFile(await migratedTemplate(), settings.filename);
}

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
  await premigrate(settings);
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
