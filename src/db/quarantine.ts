import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
import { insertedId } from './inserted-id.js';

export type QuarantineState = 'open' | 'retried' | 'released' | 'discarded';
export type QuarantineRow = {
  id: number;
  received_mail_id: number;
  agency_code: string;
  reason_code: string;
  reason: string;
  detail: string | null;
  state: QuarantineState;
  created_at: string;
  resolved_at: string | null;
};

/** Put a received mail in quarantine (inside the caller's transaction). */
export async function addQuarantine(
  trx: Db,
  q: { receivedMailId: number; agencyCode: string; reasonCode: string; reason: string; detail?: string },
  now: Date,
): Promise<number> {
  return insertedId(
    trx('quarantine').insert({
      received_mail_id: q.receivedMailId,
      agency_code: q.agencyCode,
      reason_code: q.reasonCode,
      reason: q.reason,
      detail: q.detail ?? null,
      state: 'open',
      created_at: now.toISOString(),
    }),
  );
}

/** Quarantine entries, newest first. */
export async function listQuarantine(db: Db, opts: { state?: QuarantineState; agencyCode?: string } = {}): Promise<Array<QuarantineRow & { subject: string | null; from_address: string | null; raw_sha256: string }>> {
  const q = db('quarantine')
    .join('received_mails', 'received_mails.id', 'quarantine.received_mail_id')
    .select('quarantine.*', 'received_mails.subject', 'received_mails.from_address', 'received_mails.raw_sha256')
    .orderBy('quarantine.id', 'desc');
  if (opts.state) q.where('quarantine.state', opts.state);
  if (opts.agencyCode) q.where('quarantine.agency_code', opts.agencyCode);
  return q;
}

/** One quarantine entry. */
export async function getQuarantine(db: Db, id: number): Promise<(QuarantineRow & { subject: string | null; from_address: string | null; raw_sha256: string }) | undefined> {
  return db('quarantine')
    .join('received_mails', 'received_mails.id', 'quarantine.received_mail_id')
    .where('quarantine.id', id)
    .first('quarantine.*', 'received_mails.subject', 'received_mails.from_address', 'received_mails.raw_sha256');
}

/** Close an open entry (compare-and-set on `open`). */
export async function resolveQuarantine(trx: Db, id: number, to: Exclude<QuarantineState, 'open'>, now: Date): Promise<QuarantineRow> {
  const n = await trx('quarantine').where({ id, state: 'open' }).update({ state: to, resolved_at: now.toISOString() });
  if (n !== 1) {
    const row = await trx('quarantine').where({ id }).first();
    if (!row) throw new BridgeError('NOT_FOUND', `no quarantine entry ${id}`);
    throw new BridgeError('STATUS_CONFLICT', `quarantine entry ${id} is ${row.state}, not open`);
  }
  return trx('quarantine').where({ id }).first();
}
