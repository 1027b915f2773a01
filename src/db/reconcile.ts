import type { Db } from './connect.js';
import { insertedId } from './inserted-id.js';

/** How a report was matched (docs/status-codes.md §Matching reports), or the internal sources of events. */
export type MatchMethod = 'message-id' | 'envid' | 'original-message-id' | 'in-reply-to' | 'response-for' | 'subject-guess' | 'outbox' | 'deadline' | 'clerk' | 'manual';

export type ReconcileEffect = 'moved' | 'duplicate' | 'out-of-order' | 'illegal' | 'noted' | 'orphan' | 'cancelled';

export type ReconcileLogInput = {
  reportId?: number | null;
  agencyCode?: string | null;
  documentId?: number | null;
  recipientId?: number | null;
  method?: MatchMethod | null;
  guess?: boolean;
  event?: string | null;
  effect: ReconcileEffect;
  fromStatus?: string | null;
  toStatus?: string | null;
  detail?: string | null;
  evidenceSha256?: string | null;
};

export type ReconcileLogRow = {
  id: number;
  report_id: number | null;
  agency_code: string | null;
  document_id: number | null;
  recipient_id: number | null;
  method: MatchMethod | null;
  guess: boolean | number;
  event: string | null;
  effect: ReconcileEffect;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
  evidence_sha256: string | null;
  at: string;
};

/** Append to the reconciliation log (never updated, never deleted). */
export async function appendReconcileLog(db: Db, at: Date, e: ReconcileLogInput): Promise<void> {
  await db('reconcile_log').insert({
    report_id: e.reportId ?? null,
    agency_code: e.agencyCode ?? null,
    document_id: e.documentId ?? null,
    recipient_id: e.recipientId ?? null,
    method: e.method ?? null,
    guess: e.guess ?? false,
    event: e.event ?? null,
    effect: e.effect,
    from_status: e.fromStatus ?? null,
    to_status: e.toStatus ?? null,
    detail: e.detail?.slice(0, 4000) ?? null,
    evidence_sha256: e.evidenceSha256 ?? null,
    at: at.toISOString(),
  });
}

/** What intake keeps of a report for reconciliation: the keys it matches on (the raw mail is read again). */
export type ReportInput = { receivedMailId: number; agencyCode: string; kind: string; data: Record<string, unknown> };

/** Leave a report (status, DSN, MDN, reply, recall) for reconciliation, pending, inside the caller's transaction; returns its id. */
export async function addReport(trx: Db, r: ReportInput, now: Date): Promise<number> {
  return insertedId(trx('inbound_reports').insert({ received_mail_id: r.receivedMailId, agency_code: r.agencyCode, kind: r.kind, data: JSON.stringify(r.data), state: 'pending', created_at: now.toISOString() }));
}

export type PendingReport = {
  id: number;
  received_mail_id: number;
  agency_code: string;
  kind: string;
  data: string;
  state: string;
  attempts: number;
  raw_sha256: string;
  created_at: string;
};

/** Reports intake left for reconciliation, oldest first, with the hash of their raw mail. */
export async function pendingReports(db: Db, opts: { agencyCode?: string; limit?: number } = {}): Promise<PendingReport[]> {
  const q = db('inbound_reports')
    .join('received_mails', 'received_mails.id', 'inbound_reports.received_mail_id')
    .where('inbound_reports.state', 'pending')
    .orderBy('inbound_reports.id')
    .limit(opts.limit ?? 200)
    .select('inbound_reports.*', 'received_mails.raw_sha256');
  if (opts.agencyCode) q.where('inbound_reports.agency_code', opts.agencyCode);
  return q;
}

/** Close a report by compare-and-set from pending: matched | orphan | duplicate. */
export async function finishReport(db: Db, id: number, state: 'matched' | 'orphan' | 'duplicate', method: MatchMethod | null, now: Date): Promise<boolean> {
  const n = await db('inbound_reports').where({ id, state: 'pending' }).update({ state, method, reconciled_at: now.toISOString() });
  return n === 1;
}

/** Count a failed attempt on a report (it stays pending and is tried again next run). */
export async function reportFailed(db: Db, id: number, error: string): Promise<void> {
  await db('inbound_reports').where({ id }).update({ last_error: error.slice(0, 2000) }).increment('attempts', 1);
}

/** The reconciliation log, newest first. */
export async function listReconcileLog(db: Db, opts: { since?: string; agencyCode?: string; limit?: number } = {}): Promise<ReconcileLogRow[]> {
  const q = db('reconcile_log').select().orderBy('id', 'desc').limit(opts.limit ?? 500);
  if (opts.since) q.where('at', '>=', opts.since);
  if (opts.agencyCode) q.where({ agency_code: opts.agencyCode });
  return q;
}

/** Orphan reports (matched nothing): kept, listed, never dropped. */
export async function listOrphans(db: Db, opts: { agencyCode?: string } = {}): Promise<Array<{ id: number; agency_code: string; kind: string; data: string; created_at: string }>> {
  const q = db('inbound_reports').where({ state: 'orphan' }).orderBy('id').select('id', 'agency_code', 'kind', 'data', 'created_at');
  if (opts.agencyCode) q.where({ agency_code: opts.agencyCode });
  return q;
}
