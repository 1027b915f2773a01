import type { HostedAgency } from '../config/schema.js';
import type { AgencyRow } from '../db/agencies.js';
import type { EnvelopeParse } from '../edxml/types.js';
import { checkManifest } from '../mail/manifest.js';
import type { DocumentMeta } from '../mail/metadata.js';
import type { MailAttachment, ParsedMail } from '../mail/types.js';
import { decideDocument, type DocumentDecision, type DocumentFacts } from './check-document.js';
import type { Prepared } from './prepare.js';
import type { PdfCheck } from './pdf-check.js';

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
 * Check a document mail whose PDFs the prepare stage verified and read (pure): metadata from the
 * envelope, subject and PDF text, the issuer (`known`: the sender's agency in the directory), the
 * manifest, and the decision (register / refuse) under the agency's policy.
 */
export function checkDocument(agency: HostedAgency, prepared: Extract<Prepared, { ok: true }>, known: AgencyRow | undefined): CheckedDocument {
  const { mail, envelope, files, meta } = prepared;
  const pdfs = prepared.pdfs.map(p => ({ attachment: p.attachment, check: p.check }));
  const issuer = {
    code: envelope?.from?.organId || known?.code || meta.issuer.code || null,
    name: known?.name ?? envelope?.from?.organName ?? meta.issuer.name ?? null,
  };
  const facts: DocumentFacts = {
    secrecy: meta.secrecy,
    ...(meta.secrecyFrom ? { secrecyFrom: meta.secrecyFrom } : {}),
    pdfs: pdfs.map(p => ({ name: p.attachment.filename, check: p.check })),
    otherAttachments: otherAttachments(mail).map(a => a.filename),
    manifestProblems: manifestProblems(envelope, files),
    wrongRecipient: !!envelope && envelope.to.length > 0 && !envelope.to.some(t => t.organId === agency.code),
  };
  return { mail, envelope, files, meta, issuer, pdfs, facts, decision: decideDocument(facts, agency.policy) };
}
