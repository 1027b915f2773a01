/**
 * Read-only look-ups behind the web app's pages (docs/security.md §Pages and files). Everything is scoped
 * by the caller: functions that take an agency code only ever return that agency's rows, so a
 * page asking for another agency's id gets nothing (and answers 404).
 */
import type { Db } from './connect.js';
import type { EntryRow } from './register.js';
import type { OutgoingDocumentRow, OutgoingRecipientRow } from './outgoing.js';

/** An entry of an agency's register (undefined when the id belongs to another agency). */
export async function entryOf(db: Db, agencyCode: string, id: number): Promise<EntryRow | undefined> {
  return db('register_entries').where({ id, agency_code: agencyCode }).first();
}

/** A file of an entry with its signature report. */
export type EntryFileRow = {
  id: number;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  pages: number | null;
  is_pdf: boolean | number;
  signature_verdict: string | null;
  summary_vi: string | null;
  report: string | null;
};

/** The files of an entry (its mail's attachments), with their signature reports. */
export async function entryFiles(db: Db, entryId: number): Promise<EntryFileRow[]> {
  return db('attachments')
    .leftJoin('signature_results', 'signature_results.attachment_id', 'attachments.id')
    .where('attachments.entry_id', entryId)
    .orderBy('attachments.id')
    .select('attachments.id', 'attachments.name', 'attachments.content_type', 'attachments.size', 'attachments.sha256', 'attachments.pages', 'attachments.is_pdf', 'attachments.signature_verdict', 'signature_results.summary_vi', 'signature_results.report');
}

/** One file of one entry (undefined when the file belongs to another entry). */
export async function entryFile(db: Db, entryId: number, fileId: number): Promise<EntryFileRow | undefined> {
  return db('attachments').where({ id: fileId, entry_id: entryId }).first('id', 'name', 'content_type', 'size', 'sha256', 'pages', 'is_pdf', 'signature_verdict');
}

/** A row of status_history. */
export type HistoryRow = { id: number; subject_id: number; from_state: string | null; to_state: string; code: string | null; note: string | null; evidence_sha256: string | null; at: string };

/** State changes of entries or recipients, oldest first. */
export async function historyOf(db: Db, subjectType: 'entry' | 'recipient', ids: number[]): Promise<HistoryRow[]> {
  if (ids.length === 0) return [];
  return db('status_history').where({ subject_type: subjectType }).whereIn('subject_id', ids).orderBy('id').select('id', 'subject_id', 'from_state', 'to_state', 'code', 'note', 'evidence_sha256', 'at');
}

/** A row of the event log. */
export type EventRow = { id: number; at: string; event: string; agency_code: string | null; ref_type: string | null; ref_id: number | null; data: string | null };

/** Events about one record (an entry, an outgoing document, a quarantine case), oldest first. */
export async function eventsAbout(db: Db, refType: string, refId: number): Promise<EventRow[]> {
  return db('events').where({ ref_type: refType, ref_id: refId }).orderBy('id').limit(500);
}

/** The most recent events of some kinds (the operator's audit view). */
export async function recentEvents(db: Db, events: string[], limit = 50): Promise<EventRow[]> {
  return db('events').whereIn('event', events).orderBy('id', 'desc').limit(limit);
}

/** Entries of an agency by (year, arrival number): the links of a duplicate warning. */
export async function entriesByNumbers(db: Db, agencyCode: string, keys: Array<{ year: number; number: number }>): Promise<Array<Pick<EntryRow, 'id' | 'year' | 'arrival_number'>>> {
  if (keys.length === 0) return [];
  return db('register_entries')
    .where({ agency_code: agencyCode })
    .andWhere(q => {
      for (const k of keys) q.orWhere(w => w.where({ year: k.year, arrival_number: k.number }));
    })
    .select('id', 'year', 'arrival_number');
}

/** Who completed which field of an entry. */
export async function fieldChanges(db: Db, entryId: number): Promise<Array<{ field: string; old_value: string | null; new_value: string | null; actor: string; at: string }>> {
  return db('entry_field_changes').where({ entry_id: entryId }).orderBy('id').select('field', 'old_value', 'new_value', 'actor', 'at');
}

/** Write completed fields of an entry, its new missing list and search text, and the history, in one transaction. */
export async function completeEntryFields(
  db: Db,
  entry: EntryRow,
  patch: Partial<Record<'issuer_name' | 'number_notation' | 'number' | 'notation' | 'doc_date' | 'doc_type' | 'summary' | 'signer_position' | 'signer_name', string>>,
  missing: string[],
  searchText: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  return db.transaction(async trx => {
    // Compare-and-set on the missing list the clerk saw: two clerks completing at once do not overwrite each other.
    const n = await trx('register_entries').where({ id: entry.id, missing: entry.missing }).update({ ...patch, missing: JSON.stringify(missing), search_text: searchText });
    if (n !== 1) return false;
    for (const [field, value] of Object.entries(patch)) {
      if (field === 'number' || field === 'notation') continue;
      await trx('entry_field_changes').insert({ entry_id: entry.id, field, old_value: (entry as Record<string, unknown>)[field] ?? null, new_value: value, actor, at: now.toISOString() });
    }
    return true;
  });
}

/** An outgoing document of an agency (undefined for another agency's). */
export async function outgoingOf(db: Db, agencyCode: string, id: number): Promise<OutgoingDocumentRow | undefined> {
  return db('outgoing_documents').where({ id, agency_code: agencyCode }).first();
}

/** An outgoing document in the tracking list, with its recipients' states counted. */
export type OutgoingListRow = OutgoingDocumentRow & { recipients: number; answered: number; overdue: number; problems: number };

/** One page of an agency's outgoing documents, newest first (keyset on id). */
export async function listOutgoing(db: Db, agencyCode: string, page: { beforeId?: number; limit: number }): Promise<{ rows: OutgoingListRow[]; hasOlder: boolean }> {
  const q = db('outgoing_documents').where({ agency_code: agencyCode }).orderBy('id', 'desc').limit(page.limit + 1);
  if (page.beforeId) q.where('id', '<', page.beforeId);
  const docs: OutgoingDocumentRow[] = await q;
  const shown = docs.slice(0, page.limit);
  const recipients: Array<{ document_id: number; status: string }> = shown.length
    ? await db('outgoing_recipients').whereIn('document_id', shown.map(d => d.id)).select('document_id', 'status')
    : [];
  const ANSWERED = new Set(['received', 'assigned', 'processing', 'done', 'recalled']);
  const PROBLEM = new Set(['refused', 'bounced', 'expired', 'recall-refused']);
  const rows = shown.map(d => {
    const mine = recipients.filter(r => r.document_id === d.id);
    return {
      ...d,
      recipients: mine.length,
      answered: mine.filter(r => ANSWERED.has(r.status)).length,
      overdue: mine.filter(r => r.status === 'overdue').length,
      problems: mine.filter(r => PROBLEM.has(r.status)).length,
    };
  });
  return { rows, hasOlder: docs.length > page.limit };
}

/** The recipients of a document. */
export async function recipientsOfDocument(db: Db, documentId: number): Promise<OutgoingRecipientRow[]> {
  return db('outgoing_recipients').where({ document_id: documentId }).orderBy('id');
}

/** A row of the reconciliation log. */
export type ReconcileLogView = { id: number; report_id: number | null; agency_code: string | null; document_id: number | null; recipient_id: number | null; method: string | null; guess: boolean | number; event: string | null; effect: string; from_status: string | null; to_status: string | null; detail: string | null; evidence_sha256: string | null; at: string };

/** The reconciliation log of some recipients, oldest first (their evidence timeline). */
export async function reconcileLogOf(db: Db, recipientIds: number[]): Promise<ReconcileLogView[]> {
  if (recipientIds.length === 0) return [];
  return db('reconcile_log').whereIn('recipient_id', recipientIds).orderBy('id');
}

/** The reconciliation log, newest first, optionally for some agencies. */
export async function reconcileLogPage(db: Db, opts: { agencies?: string[]; beforeId?: number; limit: number }): Promise<ReconcileLogView[]> {
  const q = db('reconcile_log').orderBy('id', 'desc').limit(opts.limit);
  if (opts.agencies) q.whereIn('agency_code', opts.agencies);
  if (opts.beforeId) q.where('id', '<', opts.beforeId);
  return q;
}

/** An orphan report (matched nothing), with its raw mail. */
export type OrphanRow = { id: number; agency_code: string; kind: string; data: string; state: string; created_at: string; raw_sha256: string; from_address: string | null; subject: string | null };

/** Orphan reports, oldest first. */
export async function orphans(db: Db): Promise<OrphanRow[]> {
  return db('inbound_reports as r')
    .join('received_mails as m', 'm.id', 'r.received_mail_id')
    .where('r.state', 'orphan')
    .orderBy('r.id')
    .select('r.id', 'r.agency_code', 'r.kind', 'r.data', 'r.state', 'r.created_at', 'm.raw_sha256', 'm.from_address', 'm.subject');
}

/** One report (any state) with its raw mail. */
export async function reportById(db: Db, id: number): Promise<OrphanRow | undefined> {
  return db('inbound_reports as r')
    .join('received_mails as m', 'm.id', 'r.received_mail_id')
    .where('r.id', id)
    .first('r.id', 'r.agency_code', 'r.kind', 'r.data', 'r.state', 'r.created_at', 'm.raw_sha256', 'm.from_address', 'm.subject');
}

/** Recent outgoing recipients of an agency (the choices when attaching an orphan). */
export async function recentRecipients(db: Db, agencyCode: string, limit = 200): Promise<Array<OutgoingRecipientRow & { number_notation: string; summary: string }>> {
  return db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .where('d.agency_code', agencyCode)
    .orderBy('r.id', 'desc')
    .limit(limit)
    .select('r.*', 'd.number_notation', 'd.summary');
}

/** Each hosted mailbox's last cycle, last success and last error. */
export async function mailboxHealth(db: Db): Promise<Array<{ agency_code: string; folder: string; last_cycle_at: string | null; last_success_at: string | null; last_error: string | null; last_error_at: string | null; lease_owner: string | null }>> {
  return db('mailbox_state').orderBy(['agency_code', 'folder']).select('agency_code', 'folder', 'last_cycle_at', 'last_success_at', 'last_error', 'last_error_at', 'lease_owner');
}

/** The outbox backlog per agency and state (what is still to send, and what failed). */
export async function outboxBacklog(db: Db): Promise<Array<{ agency_code: string; state: string; n: number; oldest: string | null }>> {
  const rows: Array<{ agency_code: string; state: string; n: number | string; oldest: string | null }> = await db('outbox')
    .whereIn('state', ['queued', 'sending', 'deferred', 'failed'])
    .groupBy('agency_code', 'state')
    .orderBy(['agency_code', 'state'])
    .select('agency_code', 'state')
    .count('* as n')
    .min('created_at as oldest');
  return rows.map(r => ({ ...r, n: Number(r.n) }));
}

/** Counts by one column of a table (for /metrics). */
export async function countsBy(db: Db, table: 'received_mails' | 'register_entries' | 'outbox' | 'quarantine', column: 'state' | 'status'): Promise<Array<{ k: string; n: number }>> {
  const rows: Array<{ k: string; n: number | string }> = await db(table).select(`${column} as k`).count('* as n').groupBy(column);
  return rows.map(r => ({ k: String(r.k), n: Number(r.n) }));
}

/** Open quarantine cases per agency (the clerk's register page says there are some). */
export async function openQuarantineCount(db: Db, agencyCode: string): Promise<number> {
  const [row] = await db('quarantine').where({ agency_code: agencyCode, state: 'open' }).count('* as n');
  return Number((row as { n: number | string }).n);
}

/** The database answers (for /healthz). */
export async function ping(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** The last number given in a series (0 when none yet): the preview of the next one, not a reservation. */
export async function peekNextNumber(db: Db, agencyCode: string, register: 'incoming' | 'outgoing', year: number): Promise<number> {
  const row: { last_number: number } | undefined = await db('register_counters').where({ agency_code: agencyCode, register, year }).first('last_number');
  return Number(row?.last_number ?? 0);
}
