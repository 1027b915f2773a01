import type { Db } from './connect.js';

/** A file of a draft: the clerk's upload, kept in the blob store until the document is sent. */
export type DraftFile = { name: string; role: 'main' | 'annex'; sha256: string; size: number };

export type DraftRow = { id: number; agency_code: string; account_id: number; files: string; form: string; created_at: string; document_id: number | null };

/** Keep a draft; returns its id. */
export async function insertDraft(db: Db, d: { agencyCode: string; accountId: number; files: DraftFile[]; form: unknown }, now: Date): Promise<number> {
  const [row] = await db('web_drafts')
    .insert({ agency_code: d.agencyCode, account_id: d.accountId, files: JSON.stringify(d.files), form: JSON.stringify(d.form), created_at: now.toISOString() })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** One draft of an agency (undefined for another agency's: the caller answers 404). */
export async function draftOf(db: Db, agencyCode: string, id: number): Promise<DraftRow | undefined> {
  return db('web_drafts').where({ id, agency_code: agencyCode }).first();
}

/** Note the document a draft became (compare-and-set: a draft is sent once). */
export async function markDraftSent(db: Db, id: number, documentId: number): Promise<boolean> {
  return (await db('web_drafts').where({ id }).whereNull('document_id').update({ document_id: documentId })) === 1;
}
