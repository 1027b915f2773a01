import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
import { insertedIdOrNull } from './inserted-id.js';

export type ReceivedState = 'stored' | 'failed' | 'done' | 'quarantined';
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
};

export type NewReceived = {
  agencyCode: string;
  messageKey: string;
  messageId: string | null;
  rawSha256: string;
  rawSize: number;
  uidvalidity: number | null;
  uid: number | null;
};

/**
 * Commit the `received` row (docs/mail.md §Keep raw first: before anything else is done with the mail). The
 * dedupe key is (mailbox agency, message key): a second delivery finds the first row.
 */
export async function recordReceived(db: Db, m: NewReceived, now: Date): Promise<{ row: ReceivedRow; isNew: boolean }> {
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

/** Record a failed attempt; returns the attempt count. */
export async function recordFailure(db: Db, id: number, error: string): Promise<number> {
  await db('received_mails').where({ id }).whereIn('state', ['stored', 'failed']).update({ state: 'failed', last_error: error.slice(0, 4000) }).increment('attempts', 1);
  const row = await db('received_mails').where({ id }).first('attempts');
  return Number(row?.attempts ?? 0);
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
    .whereIn('state', ['stored', 'failed'])
    .update({
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
  };
}
