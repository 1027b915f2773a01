import type { HostedAgency } from '../config/schema.js';
import { agencyByAddress } from '../db/agencies.js';
import type { EnvelopeParse } from '../edxml/types.js';
import { envelopeAttachments, findEdxml } from '../mail/edxml-parts.js';
import { checkManifest } from '../mail/manifest.js';
import { extractDocumentMetadata, type DocumentMeta } from '../mail/metadata.js';
import type { MailAttachment, ParsedMail } from '../mail/types.js';
import { extractPdfText } from '../pdf/text.js';
import { decideDocument, type DocumentDecision, type DocumentFacts } from './check-document.js';
import type { IntakeDeps } from './deps.js';
import type { PdfCheck } from './verify-pdfs.js';

/** Everything known about a document mail once checked: ready to commit. */
export type CheckedDocument = {
  mail: ParsedMail;
  envelope: EnvelopeParse | null;
  /** The mail's attachments plus the files carried inside the envelope. */
  files: MailAttachment[];
  meta: DocumentMeta;
  issuer: { code: string | null; name: string | null };
  pdfs: Array<{ attachment: MailAttachment; check: PdfCheck }>;
  facts: DocumentFacts;
  decision: DocumentDecision;
};

/** Attachments that are neither the PDFs, nor our XML, nor inline decoration (logos in signatures). */
function otherAttachments(mail: ParsedMail): MailAttachment[] {
  return mail.attachments.filter(a => !a.isPdf && !/\.edxml$/i.test(a.filename) && !(a.inline && a.contentType.startsWith('image/')));
}

/** The envelope manifest (name + SHA-256) against what the mail carries (QĐ 1123 Art. 12.2-12.3), in Vietnamese. */
function manifestProblems(envelope: EnvelopeParse | null, files: MailAttachment[]): string[] {
  if (!envelope) return [];
  const check = checkManifest(envelope, files);
  return [...check.missing.map(n => `thiếu tệp "${n}"`), ...check.digestMismatch.map(m => `tệp "${m.name}" sai mã băm SHA-256`)];
}

/**
 * Check a document mail: verify every PDF, read its text for metadata, compare with the
 * envelope, and decide (register / refuse) with the agency's policy. Pure apart from the
 * verifier and the directory look-up of the issuer.
 */
export async function checkDocument(deps: IntakeDeps, agency: HostedAgency, mail: ParsedMail): Promise<CheckedDocument> {
  const now = deps.clock.now();
  const found = findEdxml(mail).envelope?.parse;
  const envelope = found?.ok ? found : null;
  // Files a full system packs inside the envelope (AttachmentEncoded) count like mail attachments.
  const files = envelope ? [...mail.attachments, ...envelopeAttachments(envelope)] : mail.attachments;
  const pdfs: CheckedDocument['pdfs'] = [];
  const texts = new Map<string, string>();
  for (const attachment of files.filter(a => a.isPdf)) {
    let check = await deps.verifier(attachment.content, now);
    if (check.verdict !== 'unreadable') {
      const t = await extractPdfText(attachment.content, { maxPages: 3 });
      if ('text' in t) {
        texts.set(attachment.sha256, t.text);
        check = { ...check, pages: check.pages ?? t.pages };
      } else if (check.signaturesFound === 0) {
        check = { ...check, verdict: 'unreadable', reasons: [...check.reasons, 'PDF_UNREADABLE'], summaryVi: 'Tệp không đọc được như một tệp PDF.' };
      }
    }
    deps.log.debug('SIGNATURE_VERIFIED', { agency: agency.code, file: attachment.filename, verdict: check.verdict, reasons: check.reasons });
    pdfs.push({ attachment, check });
  }
  const meta = extractDocumentMetadata(mail, texts, envelope ?? undefined);
  for (const a of meta.attachments) a.pages ??= pdfs.find(p => p.attachment.sha256 === a.sha256)?.check.pages ?? null;

  const known = mail.from ? await agencyByAddress(deps.db, mail.from.address) : undefined;
  const issuer = {
    code: envelope?.from?.organId || known?.code || meta.issuer.code || null,
    name: known?.name ?? envelope?.from?.organName ?? meta.issuer.name ?? null,
  };
  const facts: DocumentFacts = {
    secrecy: meta.secrecy,
    pdfs: pdfs.map(p => ({ name: p.attachment.filename, check: p.check })),
    otherAttachments: otherAttachments(mail).map(a => a.filename),
    manifestProblems: manifestProblems(envelope, files),
    wrongRecipient: !!envelope && envelope.to.length > 0 && !envelope.to.some(t => t.organId === agency.code),
  };
  return { mail, envelope, files, meta, issuer, pdfs, facts, decision: decideDocument(facts, agency.policy) };
}
