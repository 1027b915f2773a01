import type { Db } from './connect.js';

/** Failed logins are counted per account name and per client address. */
export type AttemptScope = 'account' | 'address';

export type AttemptRow = { scope: AttemptScope; key: string; failures: number; first_failure_at: string | null; last_failure_at: string | null; locked_until: string | null; lockouts: number };

/** The counter of one account or address (zeros when there is none). */
export async function getAttempts(db: Db, scope: AttemptScope, key: string): Promise<AttemptRow> {
  const row: AttemptRow | undefined = await db('login_attempts').where({ scope, key }).first();
  return row ?? { scope, key, failures: 0, first_failure_at: null, last_failure_at: null, locked_until: null, lockouts: 0 };
}

/** Write a counter (insert or replace). */
export async function saveAttempts(db: Db, row: AttemptRow): Promise<void> {
  await db('login_attempts')
    .insert(row)
    .onConflict(['scope', 'key'])
    .merge(['failures', 'first_failure_at', 'last_failure_at', 'locked_until', 'lockouts']);
}

/** Forget the failures of an account or address (after a successful login). */
export async function clearAttempts(db: Db, scope: AttemptScope, key: string): Promise<void> {
  await db('login_attempts').where({ scope, key }).delete();
}
