import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
import { insertedIdOrNull } from './inserted-id.js';

/** `held`: a document waiting for the malware scanner (docs/hostile-input.md §Scanning); unfinished like stored and failed. */
export type ReceivedState = 'stored' | 'failed' | 'held' | 'done' | 'quarantined';

/** States of a mail not yet finished: it may still be processed. */
export const UNFINISHED: readonly ReceivedState[] = ['stored', 'failed', 'held'];
export type ReceivedRow = {
  id: number;
  agency_code: string;
  message_key: string;
  message_id: string | null;
  raw_sha256: string;
  raw_size: number;
  uidvalidity: number | null;
  uid: number | null;
  state: ReceivedState;
  kind: string | null;
  outcome: string | null;
  from_address: string | null;
  subject: string | null;
  attempts: number;
  last_error: string | null;
  target_folder: string | null;
  received_at: string;
  processed_at: string | null;
  moved_at: string | null;
  content_key: string | null;
  conflict_of: number | null;
  preparing_since: string | null;
};

export type NewReceived = {
  agencyCode: string;
  messageKey: string;
  messageId: string | null;
  rawSha256: string;
  rawSize: number;
  uidvalidity: number | null;
  uid: number | null;
  /** sha256: of the mail without trace headers (inbound/message-key.ts contentKey); without it no conflict is detected. */
  contentKey?: string;
};

/**
 * Commit the `received` row (docs/mail.md §Keep raw first: before anything else is done with the mail). The
 * dedupe key is (mailbox agency, message key): a second delivery finds the first row — and is the
 * same mail only when its content key matches too (docs/mail.md §Dedupe keys). Another mail under a
 * known Message-ID gets a row of its own, keyed by its content and pointing at the first
 * (`conflict_of`): it is kept and quarantined, never filed as a duplicate.
 */
export async function recordReceived(db: Db, m: NewReceived, now: Date): Promise<{ row: ReceivedRow; isNew: boolean }> {
  const first = await insertReceived(db, m, now);
  // Rows from before content keys were kept (null) count as the same mail, as they did then.
  if (first.isNew || !m.contentKey || first.row.content_key === null || first.row.content_key === m.contentKey || m.messageKey === m.contentKey) return first;
  return insertReceived(db, { ...m, messageKey: m.contentKey }, now, first.row.id);
}

async function insertReceived(db: Db, m: NewReceived, now: Date, conflictOf?: number): Promise<{ row: ReceivedRow; isNew: boolean }> {
  const inserted = await insertedIdOrNull(
    db('received_mails')
    .insert({
      agency_code: m.agencyCode,
      message_key: m.messageKey,
      message_id: m.messageId,
      raw_sha256: m.rawSha256,
      raw_size: m.rawSize,
      uidvalidity: m.uidvalidity,
      uid: m.uid,
      state: 'stored',
      received_at: now.toISOString(),
      content_key: m.contentKey ?? null,
      conflict_of: conflictOf ?? null,
    })
    .onConflict(['agency_code', 'message_key'])
    .ignore(),
  );
  const row = await findReceivedByKey(db, m.agencyCode, m.messageKey);
  if (!row) throw new BridgeError('INTERNAL', `received row vanished for ${m.messageKey}`);
  const isNew = inserted !== null;
  if (!isNew && (row.uid !== m.uid || row.uidvalidity !== m.uidvalidity)) {
    // The UID is only a locator: a new copy of a known mail sits in the inbox again (a second
    // delivery, a UIDVALIDITY change); point at it and let the move step take it out.
    await db('received_mails').where({ id: row.id }).update({ uid: m.uid, uidvalidity: m.uidvalidity, moved_at: null });
    row.uid = m.uid;
    row.uidvalidity = m.uidvalidity;
    row.moved_at = null;
  }
  return { row, isNew };
}

/** The received row for (agency, key). */
async function findReceivedByKey(db: Db, agencyCode: string, messageKey: string): Promise<ReceivedRow | undefined> {
  return normalise(await db('received_mails').where({ agency_code: agencyCode, message_key: messageKey }).first());
}

/** Finished rows (done or quarantined) of an agency among the given message keys. */
export async function findFinishedByKeys(db: Db, agencyCode: string, keys: string[]): Promise<ReceivedRow[]> {
  if (keys.length === 0) return [];
  const rows = await db('received_mails').where({ agency_code: agencyCode }).whereIn('message_key', keys).whereIn('state', ['done', 'quarantined']);
  return rows.map(r => normalise(r)!);
}

/** One received row by id. */
export async function getReceived(db: Db, id: number): Promise<ReceivedRow | undefined> {
  return normalise(await db('received_mails').where({ id }).first());
}

/**
 * Count an attempt as its preparation begins, in one write (docs/hostile-input.md §Per-mail
 * isolation): an attempt that kills or stalls the process has been counted already, and the mail
 * is marked as being prepared until endPreparing (still set on a later cycle: it died there).
 */
export async function beginAttempt(db: Db, id: number, now: Date): Promise<void> {
  await db('received_mails').where({ id }).whereIn('state', UNFINISHED).update({ attempts: db.raw('attempts + 1'), preparing_since: now.toISOString() });
}

/** The preparation of a mail returned (whatever its result). */
export async function endPreparing(db: Db, id: number): Promise<void> {
  await db('received_mails').where({ id }).update({ preparing_since: null });
}

/** Record a failed attempt (counted when it began); returns the attempt count. */
export async function recordFailure(db: Db, id: number, error: string): Promise<number> {
  await db('received_mails').where({ id }).whereIn('state', UNFINISHED).update({ state: 'failed', last_error: error.slice(0, 4000), preparing_since: null });
  const row = await db('received_mails').where({ id }).first('attempts');
  return Number(row?.attempts ?? 0);
}

/**
 * Hold a mail for a later cycle without spending an attempt (the malware scanner is down,
 * docs/hostile-input.md §Scanning): it stays in the inbox, unfinished, with the reason.
 */
export async function holdReceived(db: Db, id: number, reason: string): Promise<void> {
  await db('received_mails')
    .where({ id })
    .whereIn('state', UNFINISHED)
    .update({ state: 'held', last_error: reason.slice(0, 4000), preparing_since: null, attempts: db.raw('CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END') });
}

/** An agency's mails held for the scanner, oldest first (the intake retries those that left the inbox). */
export async function listHeld(db: Db, agencyCode: string): Promise<ReceivedRow[]> {
  const rows = await db('received_mails').where({ agency_code: agencyCode, state: 'held' }).orderBy('id');
  return rows.map(r => normalise(r)!);
}

/** Mails held for the scanner, per agency (the health page). */
export async function heldCounts(db: Db): Promise<Array<{ agency_code: string; n: number; oldest: string }>> {
  const rows = await db('received_mails').where({ state: 'held' }).groupBy('agency_code').select('agency_code').count('* as n').min('received_at as oldest');
  return rows.map(r => ({ agency_code: String(r.agency_code), n: Number(r.n), oldest: String(r.oldest) }));
}

/**
 * Finish a mail inside the caller's transaction: compare-and-set from an unfinished state, so two
 * workers (or a retried cycle) can never both register it. 0 rows → DB_CONFLICT.
 */
export async function finishReceived(
  trx: Db,
  id: number,
  to: { state: 'done' | 'quarantined'; kind: string | null; outcome: string; targetFolder: string; fromAddress: string | null; subject: string | null },
  now: Date,
): Promise<void> {
  const n = await trx('received_mails')
    .where({ id })
    .whereIn('state', UNFINISHED)
    .update({
      preparing_since: null,
      state: to.state,
      kind: to.kind,
      outcome: to.outcome,
      target_folder: to.targetFolder,
      from_address: to.fromAddress,
      subject: to.subject?.slice(0, 998) ?? null,
      processed_at: now.toISOString(),
    });
  // Already finished by another worker (or an earlier run): running the transaction again cannot win.
  if (n !== 1) throw new BridgeError('DB_CONFLICT', `received mail ${id} was already finished`, { details: { retry: false } });
}

/** A quarantined mail back to `stored`, its attempts reset (the operator's retry); false when it is not quarantined. */
export async function reopenQuarantined(trx: Db, id: number): Promise<boolean> {
  const n = await trx('received_mails').where({ id, state: 'quarantined' }).update({ state: 'stored', attempts: 0, last_error: null, outcome: null });
  return n === 1;
}

/** Record how the operator closed a quarantined mail (released to the clerk, discarded); it stays quarantined. */
export async function closeQuarantinedMail(trx: Db, id: number, outcome: 'released' | 'discarded'): Promise<void> {
  await trx('received_mails').where({ id, state: 'quarantined' }).update({ outcome });
}

/** Note that the IMAP message left the inbox. */
export async function markMoved(db: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length) await db('received_mails').whereIn('id', ids).update({ moved_at: now.toISOString() });
}

function normalise(row: Record<string, unknown> | undefined): ReceivedRow | undefined {
  if (!row) return undefined;
  return {
    ...(row as unknown as ReceivedRow),
    raw_size: Number(row.raw_size),
    uidvalidity: row.uidvalidity == null ? null : Number(row.uidvalidity),
    uid: row.uid == null ? null : Number(row.uid),
    attempts: Number(row.attempts),
    content_key: (row.content_key as string | null | undefined) ?? null,
    conflict_of: row.conflict_of == null ? null : Number(row.conflict_of),
    preparing_since: (row.preparing_since as string | null | undefined) ?? null,
  };
}
