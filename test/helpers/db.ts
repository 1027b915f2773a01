/** A migrated SQLite database in a temporary file (a file, so a second connection can share it). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate, openDb, type Db } from '../../src/db/connect.js';
import { agencies } from './factories.js';

export type TestDb = { db: Db; file: string; open(): Db; close(): Promise<void> };

/** Create and migrate a database; `open()` gives another independent connection (as a second process would). */
export async function createTestDb(): Promise<TestDb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-db-'));
  const file = path.join(dir, 'test.sqlite');
  const db = openDb({ client: 'sqlite3', filename: file });
  await migrate(db);
  const others: Db[] = [];
  return {
    db,
    file,
    open: () => {
      const other = openDb({ client: 'sqlite3', filename: file });
      others.push(other);
      return other;
    },
    close: async () => {
      for (const o of others) await o.destroy();
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The agencies rows the foreign keys need (through the directory's own upsert). */
export async function seedAgencies(db: Db, codes: string[]): Promise<void> {
  await agencies(db, codes);
}
