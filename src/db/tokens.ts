import type { Db } from './connect.js';

export type TokenRow = {
  id: number;
  agency_code: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

/** Store a new token (its hash only); returns its id. */
export async function insertToken(db: Db, t: { agencyCode: string; name: string; prefix: string; tokenHash: string; createdBy: string | null }, now: Date): Promise<number> {
  const [row] = await db('api_tokens')
    .insert({ agency_code: t.agencyCode, name: t.name, prefix: t.prefix, token_hash: t.tokenHash, created_by: t.createdBy, created_at: now.toISOString() })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** The live (not revoked) token with this hash. */
export async function activeTokenByHash(db: Db, hash: string): Promise<TokenRow | undefined> {
  return db('api_tokens').where({ token_hash: hash }).whereNull('revoked_at').first();
}

/** Note that a token was used (at most once a minute, to keep writes down). */
export async function touchToken(db: Db, id: number, now: Date): Promise<void> {
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  await db('api_tokens')
    .where({ id })
    .andWhere(q => q.whereNull('last_used_at').orWhere('last_used_at', '<', minuteAgo))
    .update({ last_used_at: now.toISOString() });
}

/** Tokens, newest first; optionally of one agency. */
export async function listTokens(db: Db, agencyCode?: string): Promise<TokenRow[]> {
  const q = db('api_tokens').select().orderBy('id', 'desc');
  if (agencyCode) q.where({ agency_code: agencyCode });
  return q;
}

/** One token by id. */
export async function tokenById(db: Db, id: number): Promise<TokenRow | undefined> {
  return db('api_tokens').where({ id }).first();
}

/** Revoke a token (compare-and-set on "not revoked"); false when it already was. */
export async function revokeToken(db: Db, id: number, now: Date): Promise<boolean> {
  return (await db('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: now.toISOString() })) === 1;
}
