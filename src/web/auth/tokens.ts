/**
 * Per-agency API bearer tokens (docs/security.md §API tokens): 32 random bytes, shown once; the
 * database keeps a SHA-256 of the token (a fast hash is enough for a 256-bit random secret) and
 * its first characters so a list can show which is which.
 */
import { createHash, randomBytes } from 'node:crypto';
import { activeTokenByHash, insertToken, revokeToken, tokenById, touchToken, type TokenRow } from '../../db/tokens.js';
import type { Db } from '../../db/connect.js';
import { BridgeError } from '../../errors.js';

const PREFIX = 'edoc_';

/** SHA-256 hex of a token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Create a token for an agency; returns the token itself (the only time it exists in clear) and its id. */
export async function createToken(db: Db, agencyCode: string, name: string, createdBy: string | null, now: Date): Promise<{ id: number; token: string }> {
  if (!name.trim()) throw new BridgeError('USAGE', 'a token needs a name (who or what uses it)');
  const token = PREFIX + randomBytes(32).toString('base64url');
  const id = await insertToken(db, { agencyCode, name: name.normalize('NFC').trim(), prefix: token.slice(0, 12), tokenHash: tokenHash(token), createdBy }, now);
  return { id, token };
}

/** The live token an `Authorization: Bearer …` header names, or undefined. */
export async function tokenFromHeader(db: Db, header: string | undefined, now: Date): Promise<TokenRow | undefined> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m || !m[1]!.startsWith(PREFIX)) return undefined;
  const row = await activeTokenByHash(db, tokenHash(m[1]!));
  if (row) await touchToken(db, row.id, now);
  return row;
}

/** Revoke a token; NOT_FOUND when there is none, STATUS_CONFLICT when it already was. */
export async function revoke(db: Db, id: number, now: Date): Promise<void> {
  if (!(await revokeToken(db, id, now))) {
    throw (await tokenById(db, id)) ? new BridgeError('STATUS_CONFLICT', `token ${id} is already revoked`) : new BridgeError('NOT_FOUND', `no token ${id}`);
  }
}
