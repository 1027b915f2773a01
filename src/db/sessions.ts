import type { Db } from './connect.js';

export type SessionRow = { id_hash: string; account_id: number | null; data: string; address: string | null; created_at: string; expires_at: string };

/** Write a session (insert or replace its data and expiry). */
export async function putSession(db: Db, s: { idHash: string; accountId: number | null; data: string; address: string | null; expiresAt: string }, now: Date): Promise<void> {
  await db('web_sessions')
    .insert({ id_hash: s.idHash, account_id: s.accountId, data: s.data, address: s.address, created_at: now.toISOString(), expires_at: s.expiresAt })
    .onConflict('id_hash')
    .merge(['account_id', 'data', 'expires_at']);
}

/** A session that has not expired yet. */
export async function getSession(db: Db, idHash: string, now: Date): Promise<SessionRow | undefined> {
  return db('web_sessions').where({ id_hash: idHash }).where('expires_at', '>', now.toISOString()).first();
}

/** Forget one session (logout). */
export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db('web_sessions').where({ id_hash: idHash }).delete();
}

/** Forget every session of an account (disabled, or its password changed). */
export async function deleteSessionsOf(db: Db, accountId: number): Promise<number> {
  return db('web_sessions').where({ account_id: accountId }).delete();
}

/** Drop expired sessions. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  return db('web_sessions').where('expires_at', '<=', now.toISOString()).delete();
}
