/**
 * Document metadata for the register (docs/registers.md §Where entry fields come from; shape: `document` of docs/mail.md §The inspect JSON). Sources in order of
 * trust: the edXML envelope (machine-written by the sender), then the PDF text (the signed document
 * itself), then our own `[VBĐT]` subject, then a free-form subject, then the mail body. Urgency and
 * secrecy take the highest mark found anywhere (a missed HỎA TỐC or MẬT costs more than a false one).
 * What no source gives is listed in `missing` for the clerk.
 */
import { parseNumberNotation } from '../domain/document/number-notation.js';
import { rank, urgencyFromPriority, type Urgency } from '../domain/document/urgency.js';
import { secrecyFromMark, type Secrecy } from '../domain/document/secrecy.js';
import { typeFromName } from '../domain/document/types.js';
import type { BusinessDocType } from '../edxml/codes.js';
import type { EdxmlForm, EnvelopeParse, ResponseFor } from '../edxml/types.js';
import { isEdxmlCandidate } from './edxml-parts.js';
import { readDocumentText, type TextFacts } from './document-text.js';
import { parseSubject } from './subject.js';
import type { ParsedMail } from './types.js';

/** Where a secrecy mark was found. */
export type SecrecySource = 'edxml' | 'pdf' | 'subject' | 'body';

export type DocumentAttachmentMeta = { name: string; contentType: string; size: number; sha256: string; pages: number | null };

export type DocumentMeta = {
  issuer: { code: string | null; name: string | null };
  numberNotation: string | null;
  number: string | null;
  notation: string | null;
  /** YYYY-MM-DD. */
  date: string | null;
  type: string | null;
  summary: string | null;
  signer: { position: string | null; name: string | null; competence?: string };
  urgency: Urgency;
  secrecy: Secrecy | null;
  /** Where the (highest) secrecy mark was found, when there is one. */
  secrecyFrom?: SecrecySource;
  /** YYYY-MM-DD. */
  dueDate: string | null;
  attachments: DocumentAttachmentMeta[];
  /** Field names no source gave: issuer, numberNotation, date, type, summary, signer. */
  missing: string[];
  documentId?: string;
  businessDocType?: BusinessDocType;
  responseFor?: ResponseFor;
  /** Which edXML envelope form gave the metadata, when one did (docs/edxml.md §Older SOAP form). */
  edxmlForm?: EdxmlForm;
};

export type MetadataOptions = {
  /** Page counts by SHA-256 (from pdfInfo); missing entries give `pages: null`. */
  pdfPages?: Map<string, number | null>;
};

/** Extract document metadata from a parsed mail, the text of its PDFs (by SHA-256) and its edXML envelope. */
export function extractDocumentMetadata(
  mail: ParsedMail,
  pdfTexts: Map<string, string>,
  edxml?: EnvelopeParse,
  opts: MetadataOptions = {},
): DocumentMeta {
  const env = edxml && edxml.ok ? edxml : undefined;
  const subj = parseSubject(mail.subject);
  const pdfFacts = mainPdfFacts(mail, pdfTexts);
  // Only the start of a body matters; bounded so a huge pasted text costs nothing.
  const bodyText = mail.text.slice(0, 64 * 1024);
  const body = readDocumentText(bodyText);
  const bodySubj = bodyFacts(bodyText);

  const pick = <T>(...vals: Array<T | null | undefined>): T | null => vals.find(v => v !== null && v !== undefined && v !== '') ?? null;

  const nnText = pick(env?.numberNotation, pdfFacts?.numberNotation, subj.numberNotation, body.numberNotation, bodySubj.numberNotation);
  const nn = nnText ? parseNumberNotation(nnText) : null;
  const numberNotation = nn?.numberNotation ?? nnText;

  const typeName = pick(
    env?.typeName ? (typeFromName(env.typeName)?.name ?? env.typeName) : null,
    pdfFacts?.typeName,
    subj.typeName,
    nn?.type?.name,
    body.typeName,
    bodySubj.typeName,
  );

  const urgencies: Array<Urgency | null> = [urgencyFromPriority(env?.priority), pdfFacts?.urgency ?? null, subj.urgency, body.urgency];
  const urgency = urgencies.reduce<Urgency>((best, u) => (u && rank(u) > rank(best) ? u : best), 'normal');
  // Secrecy from every source counts (docs/hostile-input.md §Secrecy); the first source of the highest mark is kept.
  // Only the older SOAP envelope carries a secrecy element (OtherInfo/Secret).
  const secrecies: Array<[SecrecySource, Secrecy | null]> = [['edxml', env?.secret ? secrecyFromMark(env.secret) : null], ['pdf', pdfFacts?.secrecy ?? null], ['subject', subj.secrecy], ['body', body.secrecy]];
  const [secrecyFrom, secrecy] = secrecies.reduce<[SecrecySource | null, Secrecy | null]>((best, [src, s]) => (s && secrecyRank(s) > secrecyRank(best[1]) ? [src, s] : best), [null, null]);

  const signerPosition = pick(env?.signer?.position, pdfFacts?.signer.position);
  const signerName = pick(env?.signer?.fullName, pdfFacts?.signer.name);
  const competence = pick(env?.signer?.competence, pdfFacts?.signer.competence);

  const meta: DocumentMeta = {
    issuer: { code: env?.from?.organId || null, name: pick(env?.from?.organName, pdfFacts?.issuerName) },
    numberNotation,
    number: nn?.number ?? (env?.codeNumber || null),
    notation: nn?.notation ?? (env?.codeNotation || null),
    date: pick(env?.promulgationDate, pdfFacts?.date, subj.date, body.date, bodySubj.date),
    type: typeName,
    summary: pick(env?.subject, pdfFacts?.summary, subj.summary, body.summary, bodySubj.summary),
    signer: { position: signerPosition, name: signerName, ...(competence ? { competence } : {}) },
    urgency,
    secrecy,
    ...(secrecyFrom ? { secrecyFrom } : {}),
    dueDate: pick(env?.dueDate, pdfFacts?.dueDate, body.dueDate),
    attachments: mail.attachments
      // Not the edXML files, forwarded containers, or inline images (logos in signatures).
      .filter(a => !isEdxmlCandidate(a) && a.contentType !== 'message/rfc822' && !(a.inline && a.contentType.startsWith('image/')))
      .map(a => ({ name: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, pages: opts.pdfPages?.get(a.sha256) ?? null })),
    missing: [],
  };
  if (env?.documentId) meta.documentId = env.documentId;
  if (env?.businessDocType !== undefined) meta.businessDocType = env.businessDocType;
  if (env?.responseFor) meta.responseFor = env.responseFor;
  if (env?.form) meta.edxmlForm = env.form;

  const checks: Array<[string, boolean]> = [
    ['issuer', !meta.issuer.code && !meta.issuer.name],
    ['numberNotation', !meta.numberNotation],
    ['date', !meta.date],
    ['type', !meta.type],
    ['summary', !meta.summary],
    ['signer', !meta.signer.name || !meta.signer.position],
  ];
  meta.missing = checks.filter(([, miss]) => miss).map(([name]) => name);
  return meta;
}

/** Facts of the main PDF: the first non-forwarded PDF with text, else the first with text. */
function mainPdfFacts(mail: ParsedMail, pdfTexts: Map<string, string>): TextFacts | null {
  const pdfs = mail.attachments.filter(a => a.isPdf && (pdfTexts.get(a.sha256) ?? '').trim());
  const main = pdfs.find(a => !a.forwarded) ?? pdfs[0];
  if (!main) return null;
  const facts = readDocumentText(pdfTexts.get(main.sha256)!);
  // Marks may be stamped only on an annex: take the highest over all PDFs.
  for (const a of pdfs) {
    if (a === main) continue;
    const f = readDocumentText(pdfTexts.get(a.sha256)!);
    if (f.urgency && rank(f.urgency) > rank(facts.urgency)) facts.urgency = f.urgency;
    if (f.secrecy && secrecyRank(f.secrecy) > secrecyRank(facts.secrecy)) facts.secrecy = f.secrecy;
  }
  return facts;
}

/** A person's mail body often names the document in one sentence ("gửi Quyết định số 12/QĐ-UBND ngày ... về việc ..."). */
function bodyFacts(text: string): { numberNotation: string | null; date: string | null; typeName: string | null; summary: string | null } {
  const first = text.split(/\n\s*\n/u).find(p => /\d{1,6}\/[\p{L}]/u.test(p)) ?? '';
  const s = parseSubject(first.replace(/\s+/gu, ' ').replace(/^.*?(?=(?:Công văn|Quyết định|Thông báo|Kế hoạch|Báo cáo|Tờ trình|Giấy mời|văn bản|số)\s)/iu, ''));
  return { numberNotation: s.numberNotation, date: s.date, typeName: s.typeName, summary: s.summary };
}

function secrecyRank(s: Secrecy | null): number {
  return s === null ? 0 : s === 'mat' ? 1 : s === 'toi-mat' ? 2 : 3;
}
