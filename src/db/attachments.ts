import type { Db } from './connect.js';

/** One file of a received mail as recorded, with the signature check of a PDF. */
export type AttachmentInput = {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  isPdf: boolean;
  forwarded: boolean;
  pages: number | null;
  /** Present for a PDF: what the signature check found. */
  signature?: { found: number; verdict: string; reasons: string[]; report: unknown; summaryVi: string };
};

/**
 * The rows of a received mail's files (and each PDF's signature result); their bytes are in the
 * blob store already. Two statements whatever the number of files (docs/operations.md
 * §Throughput): one multi-row insert of the files, one of the signature results.
 */
export async function saveAttachments(trx: Db, receivedMailId: number, entryId: number | null, files: AttachmentInput[], now: Date): Promise<void> {
  if (files.length === 0) return;
  const rows = files.map(a => ({
    received_mail_id: receivedMailId,
    entry_id: entryId,
    name: a.name,
    content_type: a.contentType,
    size: a.size,
    sha256: a.sha256,
    pages: a.pages,
    is_pdf: a.isPdf,
    forwarded: a.forwarded,
    signatures_found: a.signature?.found ?? null,
    signature_verdict: a.signature?.verdict ?? null,
  }));
  const inserted = (await trx('attachments').insert(rows).returning(['id', 'name', 'sha256'])) as Array<{ id: number | string; name: string; sha256: string }>;
  // Neither engine promises RETURNING in VALUES order: each file takes the returned row with its
  // own name and digest (two such files have the same bytes, hence the same signature result).
  const ids = new Map<string, number[]>();
  for (const r of inserted) ids.set(`${r.name}\n${r.sha256}`, [...(ids.get(`${r.name}\n${r.sha256}`) ?? []), Number(r.id)]);
  const results = files.flatMap(a => {
    const id = ids.get(`${a.name}\n${a.sha256}`)?.shift();
    if (id === undefined) throw new Error(`attachment ${a.name} not returned by its INSERT`);
    return a.signature
      ? [{ attachment_id: id, verdict: a.signature.verdict, reasons: JSON.stringify(a.signature.reasons), report: JSON.stringify(a.signature.report ?? null), summary_vi: a.signature.summaryVi, verified_at: now.toISOString() }]
      : [];
  });
  if (results.length) await trx('signature_results').insert(results);
}

/** An entry's files as `register show` lists them, with their signature verdicts. */
export type EntryAttachment = { name: string; contentType: string; size: number; sha256: string; pages: number | null; signatureVerdict: string | null; reasons: string[]; signatureSummary: string | null };

/** The files of a register entry, in the order they were recorded. */
export async function entryAttachments(db: Db, entryId: number): Promise<EntryAttachment[]> {
  const rows: Array<Omit<EntryAttachment, 'reasons' | 'size'> & { size: number | string; reasons: string | null }> = await db('attachments')
    .leftJoin('signature_results', 'signature_results.attachment_id', 'attachments.id')
    .where('attachments.entry_id', entryId)
    .orderBy('attachments.id')
    .select('attachments.name', 'attachments.content_type as contentType', 'attachments.size', 'attachments.sha256', 'attachments.pages', 'attachments.signature_verdict as signatureVerdict', 'signature_results.reasons', 'signature_results.summary_vi as signatureSummary');
  return rows.map(a => ({ ...a, size: Number(a.size), reasons: a.reasons ? (JSON.parse(a.reasons) as string[]) : [] }));
}
