import type { HostedAgency } from '../config/schema.js';
import { agencyByAddress } from '../db/agencies.js';
import { parseEnvelope } from '../edxml/envelope.js';
import type { EnvelopeParse } from '../edxml/types.js';
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
  meta: DocumentMeta;
  issuer: { code: string | null; name: string | null };
  pdfs: Array<{ attachment: MailAttachment; check: PdfCheck }>;
  facts: DocumentFacts;
  decision: DocumentDecision;
};

/** The edXML envelope among the attachments (vanban.edxml or any .edxml that parses as one). */
function findEnvelope(mail: ParsedMail): EnvelopeParse | null {
  for (const a of mail.attachments) {
    if (!/\.edxml$|\.xml$/i.test(a.filename) && !/xml/.test(a.contentType)) continue;
    const parsed = parseEnvelope(a.content);
    if (parsed.ok) return parsed;
  }
  return null;
}

/** Attachments that are neither the PDFs, nor our XML, nor inline decoration (logos in signatures). */
function otherAttachments(mail: ParsedMail): MailAttachment[] {
  return mail.attachments.filter(a => !a.isPdf && !/\.edxml$/i.test(a.filename) && !(a.inline && a.contentType.startsWith('image/')));
}

/** Compare the envelope manifest (name + SHA-256) with what the mail carries (QĐ 1123 Art. 12.2-12.3). */
function manifestProblems(envelope: EnvelopeParse | null, mail: ParsedMail): string[] {
  if (!envelope) return [];
  const problems: string[] = [];
  for (const entry of envelope.attachments ?? []) {
    const byName = mail.attachments.find(a => a.filename === entry.name);
    const wanted = entry.sha256?.toLowerCase();
    const byHash = wanted ? mail.attachments.find(a => a.sha256 === wanted) : undefined;
    if (!byName && !byHash) problems.push(`thiếu tệp "${entry.name}"`);
    else if (entry.sha256 && !byHash) problems.push(`tệp "${entry.name}" sai mã băm SHA-256`);
  }
  return problems;
}

/**
 * Check a document mail: verify every PDF, read its text for metadata, compare with the
 * envelope, and decide (register / refuse) with the agency's policy. Pure apart from the
 * verifier and the directory look-up of the issuer.
 */
export async function checkDocument(deps: IntakeDeps, agency: HostedAgency, mail: ParsedMail): Promise<CheckedDocument> {
  const now = deps.clock.now();
  const envelope = findEnvelope(mail);
  const pdfs: CheckedDocument['pdfs'] = [];
  const texts = new Map<string, string>();
  for (const attachment of mail.attachments.filter(a => a.isPdf)) {
    const check = await deps.verifier(attachment.content, now);
    pdfs.push({ attachment, check });
    if (check.verdict !== 'unreadable') {
      const t = await extractPdfText(attachment.content, { maxPages: 3 });
      if ('text' in t) texts.set(attachment.sha256, t.text);
    }
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
    manifestProblems: manifestProblems(envelope, mail),
    wrongRecipient: !!envelope && envelope.to.length > 0 && !envelope.to.some(t => t.organId === agency.code),
  };
  return { mail, envelope, meta, issuer, pdfs, facts, decision: decideDocument(facts, agency.policy) };
}
