import path from 'node:path';
import { mkdirSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config/schema.js';
import { packagePath } from '../paths.js';

export type Db = Knex;

/** migrations/ at the package root (works from src/ via tsx and from dist/src/ after tsc). */
export function migrationsDir(): string {
  return packagePath('migrations');
}

/**
 * Open the database. SQLite: foreign keys are off per connection unless set, so the PRAGMAs run
 * in pool.afterCreate for every connection; WAL is 2.5× faster per commit than the rollback journal
 * (reference/mailserver.md §3d). synchronous=NORMAL: a commit survives a process crash at once,
 * and a power cut only after the next durability barrier (durableBarrier below) — group commit:
 * one fsync per intake cycle instead of two per mail. busy_timeout lets two processes (two
 * `run --once`) share the file. `useNullAsDefault` is knex's SQLite requirement.
 */
export function openDb(database: Config['storage']['database'], opts: { password?: string } = {}): Db {
  if (database.client === 'pg') {
    const connection = new URL(database.connection!);
    if (opts.password) connection.password = opts.password;
    return knexFactory({ client: 'pg', connection: connection.toString(), pool: { min: 0, max: 10 } });
  }
  const filename = database.filename!;
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite has a single writer anyway, and one connection makes knex
    // transactions serialise instead of failing with SQLITE_BUSY inside a process.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        const pragmas = ['PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 10000', 'PRAGMA synchronous = NORMAL'];
        if (filename !== ':memory:') pragmas.unshift('PRAGMA journal_mode = WAL');
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i]!, err => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
}

/** Apply pending migrations; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ directory: migrationsDir(), loadExtensions: ['.js'] })) as [number, string[]];
  return applied;
}

/**
 * Make every commit so far survive a power cut. Called before anything leaves this machine on
 * the strength of a commit: before intake moves mails out of the server's inbox, and before the
 * outbox sends (a receipt must never announce an arrival number a power cut could take back).
 * SQLite WAL with synchronous=NORMAL syncs the WAL at a checkpoint; PostgreSQL commits are
 * already durable.
 */
export async function durableBarrier(db: Db): Promise<void> {
  if (db.client.config.client === 'sqlite3') await db.raw('PRAGMA wal_checkpoint(FULL)');
}
