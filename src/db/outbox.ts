import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';

export type OutboxKind = 'receipt' | 'refusal' | 'status' | 'document' | 'recall' | 'notice';
export type OutboxState = 'queued' | 'sending' | 'sent' | 'deferred' | 'failed';

/** What the sender needs to build the message again, byte-for-byte the same headers. */
export type OutboxMessage = {
  from: { name: string; address: string };
  text: string;
  html?: string;
  headers: Record<string, string>;
  inReplyTo?: string;
  references?: string[];
  attachments: Array<{ filename: string; contentType: string; sha256: string }>;
  /** Ask for DSN (RFC 3461) with this envelope id, and an MDN (RFC 8098). */
  dsn?: { envid: string; notify: Array<'SUCCESS' | 'FAILURE' | 'DELAY'> };
  requestReadReceipt?: boolean;
};

export type OutboxInput = {
  agencyCode: string;
  kind: OutboxKind;
  dedupeKey: string;
  messageId: string;
  to: string;
  subject: string;
  message: OutboxMessage;
  priority: number;
  entryId?: number | null;
  receivedMailId?: number | null;
};

export type OutboxRow = {
  id: number;
  agency_code: string;
  kind: OutboxKind;
  dedupe_key: string;
  message_id: string;
  to_address: string;
  subject: string;
  message: string;
  priority: number;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  first_attempt_at: string | null;
  claimed_until: string | null;
  last_error: string | null;
  last_response: string | null;
  sent_at: string | null;
  created_at: string;
  entry_id: number | null;
  received_mail_id: number | null;
};

/** Queue a message; a second enqueue with the same dedupe key is a no-op (returns false). */
export async function enqueue(trx: Db, m: OutboxInput, now: Date): Promise<boolean> {
  const inserted = await trx('outbox')
    .insert({
      agency_code: m.agencyCode,
      kind: m.kind,
      dedupe_key: m.dedupeKey,
      message_id: m.messageId,
      to_address: m.to,
      subject: m.subject,
      message: JSON.stringify(m.message),
      priority: m.priority,
      state: 'queued',
      attempts: 0,
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
      entry_id: m.entryId ?? null,
      received_mail_id: m.receivedMailId ?? null,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/**
 * Claim due messages for sending, urgent first (compare-and-set per row, Backstage claimTask
 * habit). A row left in `sending` by a crashed worker is claimable again once its claim expires:
 * it is then resent with the same Message-ID, which receivers treat as the same mail.
 */
export async function claimDue(db: Db, now: Date, opts: { limit: number; claimMs: number; agencyCode?: string }): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  const q = db('outbox')
    .where(w =>
      w.where(a => a.whereIn('state', ['queued', 'deferred']).andWhere('next_attempt_at', '<=', nowIso))
        .orWhere(b => b.where('state', 'sending').andWhere('claimed_until', '<', nowIso)),
    )
    .orderBy([{ column: 'priority', order: 'desc' }, { column: 'id' }])
    .limit(opts.limit)
    .select('id', 'state', 'claimed_until');
  if (opts.agencyCode) q.where({ agency_code: opts.agencyCode });
  const candidates: Array<{ id: number; state: OutboxState; claimed_until: string | null }> = await q;
  const claimed: OutboxRow[] = [];
  const until = new Date(now.getTime() + opts.claimMs).toISOString();
  for (const c of candidates) {
    const n = await db('outbox')
      .where({ id: c.id, state: c.state })
      .andWhere(w => (c.claimed_until === null ? w.whereNull('claimed_until') : w.where('claimed_until', c.claimed_until)))
      .update({ state: 'sending', claimed_until: until });
    if (n === 1) claimed.push(await db('outbox').where({ id: c.id }).first());
  }
  return claimed;
}

/** Sent: the server accepted it (250). */
export async function markSent(db: Db, id: number, response: string, now: Date): Promise<void> {
  await cas(db, id, {
    state: 'sent',
    sent_at: now.toISOString(),
    last_response: response.slice(0, 2000),
    claimed_until: null,
  }, now);
}

/** Temporary failure: retry at `next`. */
export async function markDeferred(db: Db, id: number, error: string, next: Date, now: Date): Promise<void> {
  await cas(db, id, { state: 'deferred', last_error: error.slice(0, 2000), next_attempt_at: next.toISOString(), claimed_until: null }, now);
}

/** Permanent failure. */
export async function markFailed(db: Db, id: number, error: string, now: Date): Promise<void> {
  await cas(db, id, { state: 'failed', last_error: error.slice(0, 2000), claimed_until: null }, now);
}

async function cas(db: Db, id: number, patch: Record<string, unknown>, now: Date): Promise<void> {
  const n = await db('outbox')
    .where({ id, state: 'sending' })
    .update({
      ...patch,
      attempts: db.raw('attempts + 1'),
      first_attempt_at: db.raw('coalesce(first_attempt_at, ?)', [now.toISOString()]),
    });
  if (n !== 1) throw new BridgeError('DB_CONFLICT', `outbox ${id} is no longer being sent by this worker`);
}

/** Outbox rows, newest first. */
export async function listOutbox(db: Db, opts: { state?: OutboxState; agencyCode?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  const q = db('outbox').select().orderBy('id', 'desc').limit(opts.limit ?? 200);
  if (opts.state) q.where({ state: opts.state });
  if (opts.agencyCode) q.where({ agency_code: opts.agencyCode });
  return q;
}
