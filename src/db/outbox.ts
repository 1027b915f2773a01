import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
import { insertedIdOrNull } from './inserted-id.js';

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
  /** `description`: the file's display name (Content-Description, RFC 2045 §8), e.g. 'Quyết định số 12/QĐ-UBND'. */
  attachments: Array<{ filename: string; contentType: string; sha256: string; description?: string }>;
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
  /** Category and action of the SMTP reply policy for the last failure (config/smtp-responses.txt). */
  last_category: string | null;
  last_action: 'retry' | 'fail' | null;
  last_response: string | null;
  sent_at: string | null;
  created_at: string;
  entry_id: number | null;
  received_mail_id: number | null;
};

/**
 * Queue a message. The dedupe key makes a second enqueue of the same cause a no-op: `created` is
 * then false and `id` is the row queued first.
 */
export async function enqueue(trx: Db, m: OutboxInput, now: Date): Promise<{ id: number; created: boolean }> {
  const id = await insertedIdOrNull(
    trx('outbox')
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
    .ignore(),
  );
  if (id !== null) return { id, created: true };
  const first: { id: number } = await trx('outbox').where({ dedupe_key: m.dedupeKey }).first('id');
  return { id: Number(first.id), created: false };
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

/** A failed attempt: the server's words (or the client error), and what the SMTP reply policy made of it. */
export type SendFailure = { error: string; category: string; action: 'retry' | 'fail' };

/** Temporary failure: retry at `next`. */
export async function markDeferred(db: Db, id: number, f: SendFailure, next: Date, now: Date): Promise<void> {
  await cas(db, id, { state: 'deferred', ...failureColumns(f), next_attempt_at: next.toISOString(), claimed_until: null }, now);
}

/** Permanent failure, or the retry schedule gave up (action `retry`). */
export async function markFailed(db: Db, id: number, f: SendFailure, now: Date): Promise<void> {
  await cas(db, id, { state: 'failed', ...failureColumns(f), claimed_until: null }, now);
}

function failureColumns(f: SendFailure): Record<string, string> {
  return { last_error: f.error.slice(0, 2000), last_category: f.category, last_action: f.action };
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

/** Our outbox mails (status answers, notices…) with one of these Message-IDs: the first found. */
export async function outboxByMessageIds(db: Db, messageIds: string[]): Promise<Pick<OutboxRow, 'id' | 'kind' | 'to_address'> | undefined> {
  if (messageIds.length === 0) return undefined;
  return db('outbox').whereIn('message_id', messageIds).first('id', 'kind', 'to_address');
}
