/**
 * Parse a raw RFC 5322 mail into a ParsedMail (docs/mail.md §Parsing): mailparser, lenient, everything NFC.
 *
 * Failure policy: parseMail never throws on hostile input. Broken MIME, a header-only mail or
 * NUL bytes give a ParsedMail with `warnings`. It throws BridgeError('MAIL_UNPARSEABLE') only when
 * nothing at all is readable: an empty input, or bytes with neither a header field nor readable text.
 *
 * Choices (docs/mail.md §Parsing):
 * - `message/rfc822` parts are never inlined (mailsplit `ignoreEmbedded`): each is an attachment
 *   (`*.eml`), and its own attachments are added after it with `forwarded: true`. Inside a
 *   multipart/report the returned message goes to `reportParts` instead (it is the bounced original).
 * - `keepDeliveryStatus` so DSN parts surface; report parts are moved to `reportParts`.
 * - PDFs are found by magic bytes, whatever the declared type or disposition.
 * - S/MIME opaque-signed `smime.p7m` / CAdES `*.p7m`: the inner entity is unwrapped (no verification)
 *   and parsed; its attachments replace the wrapper.
 * - Message-IDs keep their angle brackets everywhere (`<id@host>`).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import { limitExceeded, mib, type LimitExceeded } from '../domain/limits.js';
import { BridgeError } from '../errors.js';
import { decodeWords, normalizeMessageId, parseMessageIds } from './headers.js';
import { sanitizeFilename } from './filename.js';
import { parseMimeStream, SourceError, type StreamedMail, type StreamedPart } from './mime-stream.js';
import { addresses, collectHeaders, emptyMail, fallbackParse, firstAddress, mimeType, nfc, parseMailDate, readableText, str } from './parse-fields.js';
import { unwrapSignedData } from './smime.js';
import { bufferSource, findAll, pipeInto, readAll, withoutNuls, type AttachmentStore, type MailSource } from './source.js';
import type { MailAttachment, ParsedMail, ReportPart } from './types.js';

export { mimeType, parseMailDate } from './parse-fields.js';
export type { AttachmentStore, MailSource } from './source.js';

export type ParseOptions = {
  /** Attachments kept (default 100); the rest are dropped with a warning. */
  maxAttachments?: number;
  /** Decompression and parsing limits (default: the schema's defaults). */
  limits?: DecodeLimits;
  /** Where decoded parts too large to keep while parsing go (the blob store); without it they are kept. */
  store?: AttachmentStore;
};

type Resolved = { maxAttachments: number; limits: DecodeLimits; store?: AttachmentStore };
/** What the parts of one mail (nested messages included) have used so far. */
type Usage = { parts: number; bytes: number; exceeded: LimitExceeded | null };
const REPORT_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/global-disposition-notification',
  'text/rfc822-headers',
  'message/global-headers',
]);
const SMIME_TYPES = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

/**
 * Parse raw mail bytes, or a stored mail read as a stream (never whole in memory:
 * docs/hostile-input.md §Memory of one large mail); see the module comment for the failure policy.
 */
export async function parseMail(raw: Buffer | MailSource, opts: ParseOptions = {}): Promise<ParsedMail> {
  const usage: Usage = { parts: 0, bytes: 0, exceeded: null };
  const src = Buffer.isBuffer(raw) ? bufferSource(raw) : raw;
  const mail = await parseAt(src, { maxAttachments: opts.maxAttachments ?? 100, limits: opts.limits ?? DEFAULT_DECODE_LIMITS, store: opts.store }, 0, usage);
  if (usage.exceeded) mail.limitExceeded = usage.exceeded;
  return mail;
}

/** SHA-256 hex of a buffer. */
export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** True when the bytes look like a PDF (`%PDF-` within the first 1024 bytes, as readers allow). */
export function hasPdfMagic(b: Buffer): boolean {
  return b.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
}

/** The first bytes looked at for a header field. */
const HEAD_PROBE = 64 * 1024;

async function parseAt(src: MailSource, opts: Resolved, depth: number, usage: Usage): Promise<ParsedMail> {
  if (src.size === 0) throw new BridgeError('MAIL_UNPARSEABLE', 'empty input');
  const warnings: string[] = [];
  const head = await readAll(src.stream({ start: 0, end: Math.min(src.size, HEAD_PROBE) - 1 }));
  const hasHeader = /^[!-9;-~]{1,76}:/mu.test(head.toString('latin1'));
  if (!hasHeader) {
    const text = readableText(await readAll(src.stream()));
    if (text === null) throw new BridgeError('MAIL_UNPARSEABLE', 'no header field and no readable text');
    warnings.push('no header fields: not an RFC 5322 message');
    return { ...emptyMail(), text, warnings };
  }
  // NUL is not allowed in RFC 5322 text; mailsplit would carry it into headers and text.
  const nulWarning = (n: number): void => void (n > 0 && warnings.unshift(`removed ${n} NUL byte(s)`));

  let mp: StreamedMail;
  const stripped = withoutNuls();
  try {
    // A stream, in slices: the decoders work slice by slice, the mail is never one Buffer or string,
    // and a large part goes to the store as it is decoded (docs/hostile-input.md §Memory of one large mail).
    const left = { parts: opts.limits.mimeMaxParts - usage.parts, bytes: opts.limits.mimeMaxDecodedBytes - usage.bytes };
    mp = await parseMimeStream(pipeInto(src.stream(), stripped), {
      keepDeliveryStatus: true,
      skipImageLinks: true,
      skipTextLinks: true,
      skipTextToHtml: true,
      maxHtmlLengthToParse: 2 * 1024 * 1024,
      checksumAlgo: 'sha256',
      // mailsplit option (passed through): keep message/rfc822 parts as attachments.
      ignoreEmbedded: true,
    } as ConstructorParameters<typeof import('mailparser').MailParser>[0], left, opts.store);
  } catch (err) {
    // The stored file or the store failed: an I/O fault, not the mail's.
    if (err instanceof SourceError) throw err.inner;
    const again = withoutNuls();
    const input = await readAll(pipeInto(src.stream(), again));
    warnings.push(`MIME parser failed: ${(err as Error).message}`);
    nulWarning(again.removed);
    return fallbackParse(input, warnings);
  }
  nulWarning(stripped.removed);

  const headers = collectHeaders(mp.headerLines);
  const topHeader = str(headers['content-type']?.[0]) || 'text/plain';
  const isReport = /^\s*multipart\/report\b/iu.test(topHeader);
  await checkStructure(src, topHeader, warnings);

  const out: ParsedMail = {
    messageId: normalizeMessageId(headers['message-id']?.[0]),
    inReplyTo: normalizeMessageId(headers['in-reply-to']?.[0]),
    references: parseMessageIds((headers['references'] ?? []).join(' ')),
    subject: nfc(str(mp.subject) || str(headers['subject']?.[0])),
    from: firstAddress(mp.from),
    to: addresses(mp.to),
    cc: addresses(mp.cc),
    replyTo: addresses(mp.replyTo),
    // Not mailparser's date: it substitutes the current time for an unreadable Date (no clock here).
    date: parseMailDate(headers['date']?.[0]),
    headers,
    text: nfc(str(mp.text)),
    html: typeof mp.html === 'string' ? nfc(mp.html) : null,
    attachments: [],
    reportParts: [],
    warnings,
  };
  if (headers['date'] && !out.date) warnings.push('unreadable Date header');

  let n = 0;
  for (const a of mp.attachments) {
    n++;
    // Every part counts against the mail's budget, nested messages included (docs/hostile-input.md §Limits).
    usage.parts++;
    usage.bytes += a.size;
    if (!usage.exceeded && usage.parts > opts.limits.mimeMaxParts) usage.exceeded = limitExceeded('MIME_TOO_MANY_PARTS', `more than ${opts.limits.mimeMaxParts} MIME parts`);
    if (!usage.exceeded && usage.bytes > opts.limits.mimeMaxDecodedBytes) usage.exceeded = limitExceeded('MIME_TOO_LARGE', `MIME parts decode to more than ${mib(opts.limits.mimeMaxDecodedBytes)}`);
    if (usage.exceeded) break;
    await addPart(out, a, await contentOf(a, opts.store), n, { isReport, depth, opts, usage });
  }
  if (out.attachments.length > opts.maxAttachments) {
    warnings.push(`too many attachments: kept ${opts.maxAttachments} of ${out.attachments.length}`);
    out.attachments = out.attachments.slice(0, opts.maxAttachments);
  }
  return out;
}

/** A part's bytes: kept while parsing, or read back from the store (one part at a time). */
async function contentOf(a: StreamedPart, store?: AttachmentStore): Promise<Buffer> {
  if (a.content) return a.content;
  if (a.stored && store) return store.get(a.stored.sha256);
  return Buffer.alloc(0);
}

type PartCtx = { isReport: boolean; depth: number; opts: Resolved; usage: Usage };

async function addPart(out: ParsedMail, a: StreamedPart, content: Buffer, n: number, ctx: PartCtx): Promise<void> {
  // Every field mailparser gives comes from the sender: a mangled Content-Type gives `false`, not a string.
  const contentType = mimeType(a.contentType);
  const rawName = str(a.filename) ? nfc(decodeWords(str(a.filename))) : '';
  if (REPORT_TYPES.has(contentType) || (ctx.isReport && contentType === 'message/rfc822')) {
    out.reportParts.push({ contentType, content } satisfies ReportPart);
    return;
  }
  const inline = str(a.contentDisposition).toLowerCase() !== 'attachment';

  if (SMIME_TYPES.has(contentType) || /\.p7m$/iu.test(rawName)) {
    const inner = unwrapSignedData(content);
    if (inner) {
      if (hasPdfMagic(inner)) {
        const name = sanitizeFilename(rawName.replace(/\.p7m$/iu, ''), `attachment-${n}.pdf`);
        out.attachments.push(makeAttachment(/\.pdf$/iu.test(name) ? name : `${name}.pdf`, 'application/pdf', inner, inline, false));
        out.warnings.push(`unwrapped CMS signed file ${sanitizeFilename(rawName, 'p7m')} (its signature not verified)`);
        return;
      }
      if (ctx.depth < ctx.opts.limits.mimeMaxDepth) {
        try {
          const sub = await parseAt(bufferSource(inner), ctx.opts, ctx.depth + 1, ctx.usage);
          out.warnings.push('unwrapped S/MIME signed-data (its signature not verified)', ...sub.warnings.map(w => `in S/MIME content: ${w}`));
          if (!out.text.trim()) out.text = sub.text;
          if (out.html === null) out.html = sub.html;
          out.attachments.push(...sub.attachments);
          out.reportParts.push(...sub.reportParts);
          return;
        } catch (err) {
          out.warnings.push(`S/MIME content unreadable: ${(err as Error).message}`);
        }
      }
    } else {
      out.warnings.push('S/MIME part is not signed-data with content (encrypted or detached); kept as is');
    }
  }

  if (contentType === 'message/rfc822') {
    const sub = ctx.depth < ctx.opts.limits.mimeMaxDepth && content.length > 0 ? await parseAt(bufferSource(content), ctx.opts, ctx.depth + 1, ctx.usage).catch(() => null) : null;
    const base = rawName || (sub?.subject ? `${sub.subject}.eml` : `forwarded-${n}.eml`);
    out.attachments.push(makeAttachment(sanitizeFilename(base, `forwarded-${n}.eml`), contentType, content, inline, false));
    if (sub) {
      out.attachments.push(...sub.attachments.map(x => ({ ...x, forwarded: true })));
      out.warnings.push(...sub.warnings.map(w => `in forwarded message: ${w}`));
    } else {
      out.warnings.push(`forwarded message ${n} not parsed`);
    }
    return;
  }

  if (contentType === 'application/ms-tnef' || contentType === 'application/vnd.ms-tnef' || /^winmail\.dat$/iu.test(rawName)) {
    // Outlook's TNEF hides the real attachments (docs/mail.md §Parsing); we do not decode it.
    out.warnings.push(`TNEF ${sanitizeFilename(rawName, 'winmail.dat')}: the attachments inside are not extracted; ask the sender to resend without rich text`);
  }
  const pdf = hasPdfMagic(content);
  const ext = pdf ? '.pdf' : '';
  const filename = sanitizeFilename(rawName, `attachment-${n}${ext}`);
  out.attachments.push(makeAttachment(filename, pdf ? 'application/pdf' : contentType, content, inline, false));
}

function makeAttachment(filename: string, contentType: string, content: Buffer, inline: boolean, forwarded: boolean): MailAttachment {
  const isPdf = hasPdfMagic(content) || contentType === 'application/pdf' || /\.pdf$/iu.test(filename);
  return { filename, contentType, size: content.length, sha256: sha256Hex(content), content, isPdf, inline, forwarded };
}

/** Note the MIME damage mailparser silently forgives (unclosed multipart boundaries). */
async function checkStructure(src: MailSource, contentType: string, warnings: string[]): Promise<void> {
  if (!/^\s*multipart\//iu.test(contentType)) return;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^";\s]+))/iu.exec(contentType);
  if (!m) {
    warnings.push('multipart without boundary');
    return;
  }
  // Searched in the bytes, as a stream: a string copy of a 50 MB mail would cost 50 MB more.
  const b = (m[1] ?? m[2])!;
  const [open, close] = await findAll(src, [`--${b}`, `--${b}--`]);
  if (!open) warnings.push('multipart boundary never appears');
  else if (!close) warnings.push('multipart not closed (missing final boundary)');
}
