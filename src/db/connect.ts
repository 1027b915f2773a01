import path from 'node:path';
import { mkdirSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import { packagePath } from '../paths.js';

export type Db = Knex;

/** migrations/ at the package root (works from src/ via tsx and from dist/src/ after tsc). */
export function migrationsDir(): string {
  return packagePath('migrations');
}

/**
 * Open the database. SQLite: foreign keys are off per connection unless set, so the PRAGMAs run
 * in pool.afterCreate for every connection; WAL is 2.5× faster per commit than the rollback journal
 * (docs/operations.md §SQLite settings), and synchronous=FULL makes every commit survive a power cut:
 * intake moves mails out of the server's inbox right after their commit, so a commit that could
 * roll back would lose a register entry. (Group commit — NORMAL plus a checkpoint per cycle — was
 * measured: no throughput gain, intake is CPU-bound, and worse latency.) busy_timeout lets two
 * processes (two `run --once`) share the file. `useNullAsDefault` is knex's SQLite requirement.
 */
export function openDb(database: Config['storage']['database'], opts: { password?: string } = {}): Db {
  if (database.client === 'pg') {
    const connection = new URL(database.connection!);
    if (opts.password) connection.password = opts.password;
    // Pool size: docs/operations.md §PostgreSQL. A server that is down fails within 10 s, not knex's 60.
    return knexFactory({ client: 'pg', connection: connection.toString(), pool: { min: 0, max: database.pool ?? 10 }, acquireConnectionTimeout: 10_000 });
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
        const pragmas = ['PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 10000', 'PRAGMA synchronous = FULL'];
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

/** The key of the advisory lock that serialises migrations on PostgreSQL (any constant shared by all processes). */
const MIGRATION_LOCK_KEY = 7_300_261_121;

/**
 * Apply pending migrations; returns the names applied. Two processes starting on a fresh database
 * race to create knex's own tables, or find the migration lock taken: the loser waits and tries
 * again (then finds the work done). On PostgreSQL two concurrent CREATE TABLEs of the same name
 * fail on the catalogue's unique index, so the whole run holds an advisory lock first
 * (docs/operations.md §Upgrades): the second process waits, then finds nothing to do.
 */
export async function migrate(db: Db): Promise<string[]> {
  if (db.client.config.client !== 'pg') return migrateRetrying(db);
  // The lock lives in this transaction's connection; knex migrates on other connections of the pool.
  try {
    return await db.transaction(async trx => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      return migrateRetrying(db);
    });
  } catch (err) {
    throw asUnavailable(err, db);
  }
}

/**
 * Why a PostgreSQL server cannot be used, by the driver's code: the network (refused, unknown host,
 * timeout), the login (28P01, 28000), the database name (3D000), a server starting or full (57P03,
 * 53300). Anything else is not about reaching the server.
 */
const UNAVAILABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is PostgreSQL running and listening there?',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset by the server',
  '28P01': 'password authentication failed (check storage.database.passwordEnv)',
  '28000': 'the server refused this user or address (pg_hba.conf)',
  '3D000': 'the database does not exist (createdb it first, docs/operations.md §Installing on Debian)',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections (lower storage.database.pool or raise max_connections)',
};

/** A driver error that says the server cannot be reached becomes DB_UNAVAILABLE naming where (never the password). */
export function asUnavailable(err: unknown, db: Db): unknown {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const timeout = err instanceof Error && err.name === 'KnexTimeoutError';
  const why = UNAVAILABLE[code] ?? (timeout ? 'no connection within 10 s' : undefined);
  if (!why) return err;
  return new BridgeError('DB_UNAVAILABLE', `PostgreSQL at ${whereOf(db)}: ${why}`, { cause: err });
}

/** host:port/database of a PostgreSQL handle, for messages. */
function whereOf(db: Db): string {
  const c = db.client.config.connection as string | { host?: string; port?: number | string; database?: string } | undefined;
  if (typeof c === 'string') {
    const u = new URL(c);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  }
  return c?.host ? `${c.host}:${c.port ?? 5432}/${c.database ?? ''}` : 'the configured server';
}

async function migrateRetrying(db: Db): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [, applied] = (await db.migrate.latest({ directory: migrationsDir(), loadExtensions: ['.js'] })) as [number, string[]];
      return applied;
    } catch (err) {
      const racing = /already exists|already locked|SQLITE_BUSY/i.test((err as Error).message);
      if (!racing || attempt >= 20) throw err;
      await repairLockTable(db);
      await new Promise(r => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * knex creates its lock table and then inserts its one row if the table is empty; two processes
 * doing that at once leave two rows, and "update … where is_locked = 0" then never matches
 * exactly one row: the lock looks taken for ever. Keep the first row only.
 */
async function repairLockTable(db: Db): Promise<void> {
  try {
    const rows: Array<{ index: number }> = await db('knex_migrations_lock').select('index').orderBy('index');
    if (rows.length > 1) await db('knex_migrations_lock').where('index', '>', rows[0]!.index).delete();
  } catch {
    /* the table is not there yet: nothing to repair */
  }
}
