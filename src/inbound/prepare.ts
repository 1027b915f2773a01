import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import type { LimitExceeded } from '../domain/limits.js';
import type { EnvelopeParse } from '../edxml/types.js';
import { BridgeError } from '../errors.js';
import { findEdxml, unpackEnvelopeAttachments } from '../mail/edxml-parts.js';
import { extractDocumentMetadata, type DocumentMeta } from '../mail/metadata.js';
import { parseMail } from '../mail/parse.js';
import type { MailAttachment, ParsedMail } from '../mail/types.js';
import { checkPdfStreams } from '../pdf/stream-budget.js';
import { openStoredMail, type StoredMail } from '../store/stored-mail.js';
import type { PdfCheck, PdfVerifier } from './pdf-check.js';
import { readPdfText } from './prepare-pdf-text.js';

/** One PDF of a mail, verified and read. */
export type PreparedPdf = { attachment: MailAttachment; check: PdfCheck; text: string | null };

/**
 * A mail after the CPU-heavy stage: parsed, its edXML envelope found, every PDF's signatures
 * verified and its text read. No database, no clock reads: it can run in a worker thread. A
 * failure is data: an unparseable mail, or (`budget`) a preparation that went over its budget
 * of time or memory (preparer.ts).
 */
export type Prepared =
  | { ok: true; mail: ParsedMail; envelope: EnvelopeParse | null; files: MailAttachment[]; pdfs: PreparedPdf[]; meta: DocumentMeta }
  | { ok: false; error: string; budget?: 'time' | 'memory'; limit?: LimitExceeded };

/**
 * Parse a raw mail and check its PDFs (docs/mail.md §Parsing, docs/signatures.md §Verdict order); an unreadable mail is data, not an exception.
 * A stored mail is read as a stream, its large parts written to the store as they are decoded (docs/hostile-input.md §Memory of one large mail).
 */
export async function prepareMail(raw: Buffer | StoredMail, now: Date, verifier: PdfVerifier, maxAttachments: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<Prepared> {
  let mail: ParsedMail;
  const stored = Buffer.isBuffer(raw) ? null : openStoredMail(raw);
  try {
    mail = await parseMail(stored?.source ?? (raw as Buffer), { maxAttachments, limits, store: stored?.store });
  } catch (err) {
    if (err instanceof BridgeError && err.code === 'MAIL_UNPARSEABLE') return { ok: false, error: `${err.code}: ${err.message}` };
    throw err;
  }
  // A decode limit exceeded is the answer: nothing more is decoded (docs/hostile-input.md §Limits).
  const over = (limit: LimitExceeded): Prepared => ({ ok: false, error: `${limit.reasonCode}: ${limit.detail}`, limit });
  if (mail.limitExceeded) return over(mail.limitExceeded);
  const found = findEdxml(mail).envelope?.parse;
  const envelope = found?.ok ? found : null;
  // Files a full system packs inside the envelope (AttachmentEncoded) count like mail attachments.
  const unpacked = envelope ? unpackEnvelopeAttachments(envelope, limits) : null;
  if (unpacked?.exceeded) return over(unpacked.exceeded);
  const files = unpacked ? [...mail.attachments, ...unpacked.files] : mail.attachments;
  // One decompression check per PDF, before the verifier, pdfjs or pdf-lib allocate anything.
  for (const a of files.filter(x => x.isPdf)) {
    const budget = checkPdfStreams(a.content, limits);
    if (!budget.ok) return over({ ...budget.exceeded, detail: `${a.filename}: ${budget.exceeded.detail}` });
  }
  const pdfs: PreparedPdf[] = [];
  const maxPages = envelopeGivesFields(envelope) ? 1 : 3;
  for (const attachment of files.filter(a => a.isPdf)) {
    let check = await verifier(attachment.content, now);
    let text: string | null = null;
    if (check.verdict !== 'unreadable') {
      const t = await readPdfText(attachment, stored?.store, { maxPages, limits, budgetChecked: true });
      if ('text' in t) {
        text = t.text;
        check = { ...check, pages: check.pages ?? t.pages };
      } else if (check.signaturesFound === 0) {
        check = { ...check, verdict: 'unreadable', reasons: [...check.reasons, 'PDF_UNREADABLE'], summaryVi: 'Tệp không đọc được như một tệp PDF.' };
      }
    }
    pdfs.push({ attachment, check, text });
  }
  // Metadata from the envelope, subject, body and PDF text: pure, so it is done here too.
  const texts = new Map(pdfs.filter(p => p.text !== null).map(p => [p.attachment.sha256, p.text!] as const));
  const meta = extractDocumentMetadata(mail, texts, envelope ?? undefined);
  for (const a of meta.attachments) a.pages ??= pdfs.find(p => p.attachment.sha256 === a.sha256)?.check.pages ?? null;
  return { ok: true, mail, envelope, files, pdfs, meta };
}

/**
 * Whether the envelope gives every register field the PDF text would (docs/edxml.md §Elements we
 * read): then the text pass reads only the first page, for what only the PDF carries (the secrecy
 * and urgency marks, the readability of an unsigned file, the page count: docs/operations.md
 * §Throughput); the further pages served the signer block and the date line, given here.
 */
function envelopeGivesFields(env: EnvelopeParse | null): boolean {
  return !!(env?.ok && env.numberNotation && env.promulgationDate && env.typeName && env.subject && env.signer?.fullName && env.signer.position && (env.from?.organId || env.from?.organName));
}

/**
 * After a worker thread's structured clone, Buffers arrive as plain Uint8Arrays: turn them back
 * into Buffers in place (same memory, no copy), keeping shared objects shared.
 */
export function reviveBuffers<T>(value: T, seen = new Set<object>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value as object)) return value;
  seen.add(value as object);
  const revive = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : reviveBuffers(v, seen));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
  } else if (!(value instanceof Date) && !(value instanceof Uint8Array)) {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = revive(obj[key]);
  }
  return value;
}
