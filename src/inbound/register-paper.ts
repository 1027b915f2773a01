import type { HostedAgency } from '../config/schema.js';
import { appendEvent } from '../db/events.js';
import { registerEntry } from '../db/register.js';
import { inTransaction } from '../db/transaction.js';
import { parseNumberNotation, type Urgency } from '../domain/document/index.js';
import { BridgeError } from '../errors.js';
import { readDocumentText } from '../mail/document-text.js';
import { extractPdfText } from '../pdf/text.js';
import type { IntakeDeps } from './deps.js';

/** What the clerk types from the paper original; anything left out is read from the scan's text. */
export type PaperMeta = {
  issuerCode?: string;
  issuerName?: string;
  numberNotation?: string;
  date?: string;
  type?: string;
  summary?: string;
  signerPosition?: string;
  signerName?: string;
  urgency?: Urgency;
  dueDate?: string;
};

export type PaperResult = { entryId: number; year: number; arrivalNumber: number; signatureVerdict: string; missing: string[]; warnings: string[] };

/**
 * Register a scanned paper document (NĐ 30 Art. 22.2: one series for paper and electronic; QĐ
 * 1123 Art. 8.2.c, 12.5: the scan carries the receiving agency's signature). The scan is kept in
 * the blob store and verified like any incoming PDF; the arrival number comes from the same
 * gapless series, in one transaction.
 */
export async function registerPaperDocument(deps: Pick<IntakeDeps, 'config' | 'db' | 'ports' | 'verifier'>, agency: HostedAgency, scan: { name: string; content: Buffer }, meta: PaperMeta): Promise<PaperResult> {
  const now = deps.ports.clock.now();
  const check = await deps.verifier(scan.content, now);
  if (check.verdict === 'unreadable') throw new BridgeError('PDF_UNREADABLE', `${scan.name} is not a readable PDF`);
  const text = await extractPdfText(scan.content, { maxPages: 3 });
  const read = 'text' in text ? readDocumentText(text.text) : null;
  if (read?.secrecy) throw new BridgeError('USAGE', `${scan.name} carries a secrecy mark; secret documents are not registered here (QĐ 1123 Art. 1.2)`);
  const numberNotation = meta.numberNotation ?? read?.numberNotation ?? null;
  const nn = numberNotation ? parseNumberNotation(numberNotation) : null;
  const fields = {
    issuerName: meta.issuerName ?? read?.issuerName ?? null,
    numberNotation: nn?.numberNotation ?? numberNotation,
    date: meta.date ?? read?.date ?? null,
    type: meta.type ?? read?.typeName ?? null,
    summary: meta.summary ?? read?.summary ?? null,
    signerPosition: meta.signerPosition ?? read?.signer.position ?? null,
    signerName: meta.signerName ?? read?.signer.name ?? null,
  };
  const missing = Object.entries({ issuer: fields.issuerName ?? meta.issuerCode, numberNotation: fields.numberNotation, date: fields.date, type: fields.type, summary: fields.summary })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  const blob = await deps.ports.blobs.put(scan.content);
  return inTransaction(deps.db, async trx => {
    // The same paper document entered twice, or already received by e-mail (NĐ 30 App. VI §III.1.h).
    const { entryId, year, arrivalNumber, warnings } = await registerEntry(
      trx,
      {
        agencyCode: agency.code,
        receivedMailId: null,
        source: 'paper',
        issuerCode: meta.issuerCode ?? null,
        issuerName: fields.issuerName,
        numberNotation: fields.numberNotation,
        number: nn?.number ?? null,
        notation: nn?.notation ?? null,
        docDate: fields.date,
        docType: fields.type,
        summary: fields.summary,
        signerPosition: fields.signerPosition,
        signerName: fields.signerName,
        urgency: meta.urgency ?? read?.urgency ?? 'normal',
        dueDate: meta.dueDate ?? read?.dueDate ?? null,
        recipients: agency.name,
        documentId: null,
        legalValue: check.verdict === 'valid' ? 'legal' : 'reference',
        signatureVerdict: check.verdict,
        status: 'registered',
        missing,
        warnings: check.verdict === 'valid' ? [] : ['SCAN_NOT_SEALED'],
        senderAddress: null,
        senderMessageId: null,
        scan: { sha256: blob.sha256, name: scan.name },
        identity: { documentId: null, issuerKey: meta.issuerCode ?? fields.issuerName },
        history: { code: null, note: 'Văn bản giấy, bản quét', evidenceSha256: blob.sha256 },
      },
      now,
    );
    await appendEvent(trx, now, { event: 'INTAKE_REGISTERED', agencyCode: agency.code, refType: 'entry', refId: entryId, data: { year, arrivalNumber, source: 'paper' } });
    return { entryId, year, arrivalNumber, signatureVerdict: check.verdict, missing, warnings };
  });
}
