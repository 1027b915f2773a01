/**
 * Login lockout and backoff (docs/security.md §Lockout). Failures are counted per account name
 * and per client address. An account is locked after ACCOUNT_LIMIT failures in a row, for
 * BASE_LOCK the first time and twice as long each time after (up to MAX_LOCK): a guesser gets a
 * handful of tries an hour at most. An address is locked after ADDRESS_LIMIT failures within
 * ADDRESS_WINDOW, whatever names it tries. While locked, no password is checked at all.
 */
import { clearAttempts, getAttempts, saveAttempts, type AttemptRow, type AttemptScope } from '../../db/login-attempts.js';
import type { Db } from '../../db/connect.js';

export const LOCKOUT = {
  ACCOUNT_LIMIT: 10,
  ADDRESS_LIMIT: 50,
  ADDRESS_WINDOW_MS: 15 * 60_000,
  BASE_LOCK_MS: 15 * 60_000,
  MAX_LOCK_MS: 24 * 3600_000,
} as const;

/** Until when a counter is locked (null when it is not, at `now`). */
export function lockedUntil(row: AttemptRow, now: Date): Date | null {
  return row.locked_until && row.locked_until > now.toISOString() ? new Date(row.locked_until) : null;
}

/** The counter after one more failure (pure): counts, and locks when the limit is reached. */
export function afterFailure(row: AttemptRow, now: Date): AttemptRow & { justLocked: boolean } {
  const iso = now.toISOString();
  const limit = row.scope === 'account' ? LOCKOUT.ACCOUNT_LIMIT : LOCKOUT.ADDRESS_LIMIT;
  // An address's window starts again once it has passed; an account counts failures in a row.
  const fresh = row.scope === 'address' && row.first_failure_at !== null && now.getTime() - Date.parse(row.first_failure_at) > LOCKOUT.ADDRESS_WINDOW_MS;
  const failures = (fresh ? 0 : row.failures) + 1;
  const next: AttemptRow = { ...row, failures, first_failure_at: fresh || !row.first_failure_at ? iso : row.first_failure_at, last_failure_at: iso };
  if (lockedUntil(row, now) || failures < limit) return { ...next, justLocked: false };
  const ms = Math.min(LOCKOUT.MAX_LOCK_MS, LOCKOUT.BASE_LOCK_MS * 2 ** row.lockouts);
  return { ...next, failures: 0, first_failure_at: null, locked_until: new Date(now.getTime() + ms).toISOString(), lockouts: row.lockouts + 1, justLocked: true };
}

/** Whether the account or the address is locked now; the later of the two locks. */
export async function lockState(db: Db, username: string, address: string, now: Date): Promise<Date | null> {
  const locks = [lockedUntil(await getAttempts(db, 'account', username), now), lockedUntil(await getAttempts(db, 'address', address), now)].filter((d): d is Date => d !== null);
  return locks.length ? new Date(Math.max(...locks.map(d => d.getTime()))) : null;
}

/** Count a failure for the account and the address; returns which of them became locked just now. */
export async function recordFailure(db: Db, username: string, address: string, now: Date): Promise<Array<{ scope: AttemptScope; until: string }>> {
  const locked: Array<{ scope: AttemptScope; until: string }> = [];
  for (const [scope, key] of [['account', username], ['address', address]] as const) {
    const { justLocked, ...row } = afterFailure(await getAttempts(db, scope, key), now);
    await saveAttempts(db, row);
    if (justLocked) locked.push({ scope, until: row.locked_until! });
  }
  return locked;
}

/** A successful login clears the account's count (not the address's: one good login must not hide a spray). */
export async function recordSuccess(db: Db, username: string): Promise<void> {
  await clearAttempts(db, 'account', username);
}
