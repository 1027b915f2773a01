import type { Db } from './connect.js';
import { BridgeError } from '../errors.js';
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
  state: 'queued' | 'sent' | 'recalled';
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
};

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

export type NewOutgoingDocument = Omit<OutgoingDocumentRow, 'id' | 'files' | 'sealed' | 'late_alerted_at' | 'recall_reason' | 'recalled_at' | 'created_at' | 'submission_key'> & {
  submission_key?: string | null;
  files: OutgoingFile[];
  sealed: boolean;
};

/** Insert an outgoing register row (inside the numbering transaction); returns its id. */
export async function insertOutgoingDocument(trx: Db, d: NewOutgoingDocument, now: Date): Promise<number> {
  const [row] = await trx('outgoing_documents')
    .insert({ ...d, files: JSON.stringify(d.files), created_at: now.toISOString() })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** Insert a recipient row; returns its id. */
export async function insertRecipient(
  trx: Db,
  r: { documentId: number; agencyCode: string | null; address: string; name: string | null; state: RecipientState; messageId: string; envid: string; deadline: Date | null },
  now: Date,
): Promise<number> {
  const [row] = await trx('outgoing_recipients')
    .insert({
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
    })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
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

