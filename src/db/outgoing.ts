import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
import { insertedId } from './inserted-id.js';
import type { Progress, RecipientState, RecipientStatus } from '../domain/outgoing/recipient-state.js';

/** One file of an outgoing document: the clerk's original and what was sent (stamped and sealed). */
export type OutgoingFile = { name: string; role: 'main' | 'annex'; originalSha256: string; sha256: string; size: number; sealed: boolean };

export type OutgoingDocumentRow = {
  id: number;
  agency_code: string;
  year: number;
  number: number;
  notation: string;
  number_notation: string;
  doc_date: string;
  doc_type: string;
  summary: string;
  signer_position: string | null;
  signer_name: string | null;
  urgency: string;
  due_date: string | null;
  document_id: string;
  /** sealing: numbered, not yet sealed and queued (finished by the next cycle after a crash). */
  state: 'sealing' | 'queued' | 'sent' | 'recalled';
  source: string;
  files: string;
  sealed: boolean | number;
  signed_at: string;
  send_deadline: string;
  late_alerted_at: string | null;
  recall_reason: string | null;
  recalled_at: string | null;
  created_at: string;
  submission_key: string | null;
  /** JSON SubmittedTo: the recipients as resolved at submission. */
  submitted_to: string | null;
};

/** What a document was submitted to, kept so that a document left in `sealing` can be finished. */
export type SubmittedTo = { recipients: Array<{ agencyCode: string | null; name: string | null; address: string; kind: string }>; toPlaces?: string[] };

export type OutgoingRecipientRow = {
  id: number;
  document_id: number;
  agency_code: string | null;
  address: string;
  name: string | null;
  status: RecipientStatus;
  progress: Progress;
  message_id: string;
  envid: string;
  outbox_id: number | null;
  recall_message_id: string | null;
  recall_outbox_id: number | null;
  sent_at: string | null;
  deadline: string | null;
  overdue_alerted_at: string | null;
  last_code: string | null;
  last_note: string | null;
  last_evidence_sha256: string | null;
  last_evidence_at: string | null;
  updated_at: string;
};

export type NewOutgoingDocument = Omit<OutgoingDocumentRow, 'id' | 'files' | 'sealed' | 'late_alerted_at' | 'recall_reason' | 'recalled_at' | 'created_at' | 'submission_key' | 'submitted_to'> & {
  submission_key?: string | null;
  files: OutgoingFile[];
  sealed: boolean;
  submitted_to: SubmittedTo;
};

/** Insert an outgoing register row (inside the numbering transaction); returns its id. */
export async function insertOutgoingDocument(trx: Db, d: NewOutgoingDocument, now: Date): Promise<number> {
  return insertedId(trx('outgoing_documents').insert({ ...d, files: JSON.stringify(d.files), submitted_to: JSON.stringify(d.submitted_to), created_at: now.toISOString() }));
}

/** A sealed document leaves `sealing` for `queued` with its sealed files (compare-and-set); false when another worker finished it first. */
export async function markSealed(trx: Db, id: number, files: OutgoingFile[]): Promise<boolean> {
  const n = await trx('outgoing_documents').where({ id, state: 'sealing' }).update({ state: 'queued', files: JSON.stringify(files), sealed: files.some(f => f.sealed) });
  return n === 1;
}

/** Documents left in `sealing` since before `before` (a crash between numbering and queueing). */
export async function sealingSince(db: Db, before: Date): Promise<OutgoingDocumentRow[]> {
  return db('outgoing_documents').where({ state: 'sealing' }).where('signed_at', '<', before.toISOString()).orderBy('id');
}

/** Insert a recipient row; returns its id. */
export async function insertRecipient(
  trx: Db,
  r: { documentId: number; agencyCode: string | null; address: string; name: string | null; state: RecipientState; messageId: string; envid: string; deadline: Date | null },
  now: Date,
): Promise<number> {
  return insertedId(
    trx('outgoing_recipients').insert({
      document_id: r.documentId,
      agency_code: r.agencyCode,
      address: r.address.toLowerCase(),
      name: r.name,
      status: r.state.status,
      progress: r.state.progress,
      message_id: r.messageId,
      envid: r.envid,
      deadline: r.deadline?.toISOString() ?? null,
      updated_at: now.toISOString(),
    }),
  );
}

/** Patch a recipient's bookkeeping columns (not its state: that goes through casRecipientState). */
export async function patchRecipient(trx: Db, id: number, patch: Partial<Omit<OutgoingRecipientRow, 'id' | 'status' | 'progress'>>): Promise<void> {
  await trx('outgoing_recipients').where({ id }).update(patch);
}

/**
 * Move a recipient's state by compare-and-set on (status, progress): 0 rows means another worker
 * moved it first; the caller reloads and re-applies its event.
 */
export async function casRecipientState(trx: Db, id: number, from: RecipientState, to: RecipientState, extra: Partial<OutgoingRecipientRow>, now: Date): Promise<boolean> {
  const n = await trx('outgoing_recipients')
    .where({ id, status: from.status, progress: from.progress })
    .update({ ...extra, status: to.status, progress: to.progress, updated_at: now.toISOString() });
  return n === 1;
}

/** One document by id. */
export async function getOutgoingDocument(db: Db, id: number): Promise<OutgoingDocumentRow | undefined> {
  return db('outgoing_documents').where({ id }).first();
}

/** A document by id, or by number and notation (the newest with it) of an agency. */
export async function findOutgoingDocument(db: Db, ref: string, agencyCode?: string): Promise<OutgoingDocumentRow | undefined> {
  if (/^\d+$/.test(ref)) return getOutgoingDocument(db, Number(ref));
  const q = db('outgoing_documents').where({ number_notation: ref.normalize('NFC') }).orderBy('id', 'desc');
  if (agencyCode) q.where({ agency_code: agencyCode });
  return q.first();
}

/** Recipients of a document, in insertion order. */
export async function recipientsOf(db: Db, documentId: number): Promise<OutgoingRecipientRow[]> {
  return db('outgoing_recipients').where({ document_id: documentId }).orderBy('id');
}

/** One recipient by id. */
export async function getRecipient(db: Db, id: number): Promise<OutgoingRecipientRow> {
  const row = await db('outgoing_recipients').where({ id }).first();
  if (!row) throw new BridgeError('NOT_FOUND', `no outgoing recipient ${id}`);
  return row;
}


/** The document an earlier submission with this idempotency key registered, if any. */
export async function findBySubmissionKey(db: Db, key: string): Promise<OutgoingDocumentRow | undefined> {
  return db('outgoing_documents').where({ submission_key: key }).first();
}

/** Freeze a document as recalled (compare-and-set: not recalled yet); false when it already was. */
export async function markRecalled(trx: Db, id: number, reason: string, now: Date): Promise<boolean> {
  const n = await trx('outgoing_documents').where({ id }).whereNot({ state: 'recalled' }).update({ state: 'recalled', recall_reason: reason, recalled_at: now.toISOString() });
  return n === 1;
}

/** The recipient with this ENVID (RFC 3461), if any. */
export async function recipientByEnvid(db: Db, envid: string): Promise<OutgoingRecipientRow | undefined> {
  return db('outgoing_recipients').where({ envid }).first();
}

/** The recipient whose document mail or recall mail had this Message-ID, if any. */
export async function recipientByMessageId(db: Db, messageId: string): Promise<OutgoingRecipientRow | undefined> {
  return db('outgoing_recipients').where({ message_id: messageId }).orWhere({ recall_message_id: messageId }).first();
}

/** An agency's document with this edXML DocumentId, if any. */
export async function documentByEdxmlId(db: Db, agencyCode: string, documentId: string): Promise<OutgoingDocumentRow | undefined> {
  return db('outgoing_documents').where({ agency_code: agencyCode, document_id: documentId }).first();
}

/** An agency's newest document with this number and notation (and date, when given). */
export async function documentByNumber(db: Db, agencyCode: string, numberNotation: string, docDate?: string | null): Promise<OutgoingDocumentRow | undefined> {
  const q = db('outgoing_documents').where({ agency_code: agencyCode, number_notation: numberNotation }).orderBy('id', 'desc');
  if (docDate) q.where({ doc_date: docDate });
  return q.first();
}

/** A recipient row with its outbox result and its document's deadline and identity (record-sends, overdue). */
export type RecipientWithDocument = OutgoingRecipientRow & { agency: string; number_notation: string; send_deadline: string };
export type UnrecordedSend = RecipientWithDocument & {
  outbox_state: 'sent' | 'failed';
  outbox_sent_at: string | null;
  outbox_error: string | null;
  outbox_response: string | null;
  outbox_category: string | null;
  outbox_action: string | null;
};

/** Recipients whose document mail the outbox finished (sent or failed) and whose result is not recorded yet. */
export async function unrecordedSends(db: Db): Promise<UnrecordedSend[]> {
  return db('outgoing_recipients as r')
    .join('outbox as o', 'o.id', 'r.outbox_id')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereNull('r.sent_at')
    .whereIn('o.state', ['sent', 'failed'])
    .select(
      'r.*',
      'o.state as outbox_state',
      'o.sent_at as outbox_sent_at',
      'o.last_error as outbox_error',
      'o.last_response as outbox_response',
      'o.last_category as outbox_category',
      'o.last_action as outbox_action',
      'd.send_deadline',
      'd.agency_code as agency',
      'd.number_notation',
    );
}

/** Documents still `queued` whose every recipient's send result is recorded become `sent`. */
export async function markDocumentsSent(db: Db): Promise<void> {
  await db('outgoing_documents')
    .where({ state: 'queued' })
    .whereNotExists(q => q.select(db.raw('1')).from('outgoing_recipients').whereRaw('outgoing_recipients.document_id = outgoing_documents.id').whereNull('sent_at'))
    .update({ state: 'sent' });
}

/** Recipients not sent yet although their (not recalled) document's send deadline has passed. */
export async function unsentPastDeadline(db: Db, now: Date): Promise<RecipientWithDocument[]> {
  return db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereNull('r.sent_at')
    .where('d.send_deadline', '<', now.toISOString())
    .whereNot('d.state', 'recalled')
    .select('r.*', 'd.agency_code as agency', 'd.number_notation', 'd.send_deadline');
}

/** Recipients sent (or delivered) but not received by their receipt deadline, not alerted yet. */
export async function awaitingPastDeadline(db: Db, now: Date): Promise<RecipientWithDocument[]> {
  return db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereIn('r.status', ['sent', 'delivered'])
    .whereNull('r.overdue_alerted_at')
    .where('r.deadline', '<', now.toISOString())
    .select('r.*', 'd.agency_code as agency', 'd.number_notation', 'd.send_deadline');
}

/** One line of the tracking listing: a recipient with its document. */
export type TrackingRow = OutgoingRecipientRow & { agency: string; number_notation: string; doc_date: string; summary: string; document_state: string; doc_created_at: string };

/** Every recipient of every outgoing document (by document, then recipient), optionally since a time and for one agency. */
export async function trackingRows(db: Db, opts: { since?: string; agencyCode?: string } = {}): Promise<TrackingRow[]> {
  const q = db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .orderBy([{ column: 'd.id' }, { column: 'r.id' }])
    .select('r.*', 'd.agency_code as agency', 'd.number_notation', 'd.doc_date', 'd.summary', 'd.state as document_state', 'd.created_at as doc_created_at');
  if (opts.since) q.where('d.created_at', '>=', opts.since);
  if (opts.agencyCode) q.where('d.agency_code', opts.agencyCode);
  return q;
}

/** A recipient as the printed outgoing register needs it. */
export type RegisterRecipient = { document_id: number; address: string; name: string | null; status: string; sent_at: string | null };

/** The outgoing register of one agency and year: its documents by number, and their recipients. */
export async function outgoingRegister(db: Db, agencyCode: string, year: number): Promise<{ documents: OutgoingDocumentRow[]; recipients: RegisterRecipient[] }> {
  const documents: OutgoingDocumentRow[] = await db('outgoing_documents').where({ agency_code: agencyCode, year }).orderBy('number');
  const recipients: RegisterRecipient[] = documents.length
    ? await db('outgoing_recipients').whereIn('document_id', documents.map(d => d.id)).orderBy('id').select('document_id', 'address', 'name', 'status', 'sent_at')
    : [];
  return { documents, recipients };
}
