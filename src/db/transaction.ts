import { isBridgeError, isRetryable } from '../errors.js';
import type { Db } from './connect.js';

/** Driver codes of a transaction that lost a race: SQLite's write lock, PostgreSQL serialization failure and deadlock. */
const LOST_RACE_CODES = new Set(['SQLITE_BUSY', '40001', '40P01']);

/** True when a transaction failed only because another writer was first: running it again may succeed. */
function lostRace(err: unknown): boolean {
  if (isBridgeError(err, 'DB_CONFLICT')) return isRetryable(err);
  return LOST_RACE_CODES.has(String((err as { code?: unknown } | null)?.code ?? ''));
}

/**
 * Run `work` in a transaction, retrying when it lost a race (a retryable DB_CONFLICT from a
 * compare-and-set, or the write lock held by another process): the arrival number and the
 * received-row CAS are then simply taken again. `work` does database work only (no blob writes,
 * no sealing, no network): it holds the connection, and on SQLite the one write lock.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(trx => work(trx));
    } catch (err) {
      if (!lostRace(err) || i >= attempts) throw err;
      await new Promise(r => setTimeout(r, 20 * i + Math.random() * 50));
    }
  }
}
