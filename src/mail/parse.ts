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
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail as MpParsedMail } from 'mailparser';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import { limitExceeded, mib, type LimitExceeded } from '../domain/limits.js';
import { BridgeError } from '../errors.js';
import { decodeWords, normalizeMessageId, parseMessageIds, unfold } from './headers.js';
import { sanitizeFilename } from './filename.js';
import { unwrapSignedData } from './smime.js';
import type { MailAddress, MailAttachment, ParsedMail, ReportPart } from './types.js';

export type ParseOptions = {
  /** Attachments kept (default 100); the rest are dropped with a warning. */
  maxAttachments?: number;
  /** Decompression and parsing limits (default: the schema's defaults). */
  limits?: DecodeLimits;
};

type Resolved = { maxAttachments: number; limits: DecodeLimits };
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

/** Parse raw mail bytes; see the module comment for the failure policy. */
export async function parseMail(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMail> {
  const usage: Usage = { parts: 0, bytes: 0, exceeded: null };
  const mail = await parseAt(raw, { maxAttachments: opts.maxAttachments ?? 100, limits: opts.limits ?? DEFAULT_DECODE_LIMITS }, 0, usage);
  if (usage.exceeded) mail.limitExceeded = usage.exceeded;
  return mail;
}

/** The slice size the parser is fed with. */
const PARSE_SLICE = 256 * 1024;

/** A buffer as views of `size` bytes (no copies). */
function* slices(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** SHA-256 hex of a buffer. */
export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** True when the bytes look like a PDF (`%PDF-` within the first 1024 bytes, as readers allow). */
export function hasPdfMagic(b: Buffer): boolean {
  return b.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
}

async function parseAt(raw: Buffer, opts: Resolved, depth: number, usage: Usage): Promise<ParsedMail> {
  if (raw.length === 0) throw new BridgeError('MAIL_UNPARSEABLE', 'empty input');
  const warnings: string[] = [];
  const hasHeader = /^[!-9;-~]{1,76}:/mu.test(raw.subarray(0, 64 * 1024).toString('latin1'));
  if (!hasHeader) {
    const text = readableText(raw);
    if (text === null) throw new BridgeError('MAIL_UNPARSEABLE', 'no header field and no readable text');
    warnings.push('no header fields: not an RFC 5322 message');
    return { ...emptyMail(), text, warnings };
  }
  let input = raw;
  const nuls = countByte(raw, 0);
  if (nuls > 0) {
    // NUL is not allowed in RFC 5322 text; mailsplit would carry it into headers and text.
    input = Buffer.from(raw.filter(b => b !== 0));
    warnings.push(`removed ${nuls} NUL byte(s)`);
  }

  let mp: MpParsedMail;
  try {
    // Fed in slices, not as one chunk: the decoders then work slice by slice, and a 50 MB mail never
    // becomes one 50 MB string on the way (docs/hostile-input.md §Memory of one large mail).
    mp = await simpleParser(Readable.from(slices(input, PARSE_SLICE), { objectMode: false }), {
      keepDeliveryStatus: true,
      skipImageLinks: true,
      skipTextLinks: true,
      skipTextToHtml: true,
      maxHtmlLengthToParse: 2 * 1024 * 1024,
      checksumAlgo: 'sha256',
      // mailsplit option (passed through): keep message/rfc822 parts as attachments.
      ignoreEmbedded: true,
    } as Parameters<typeof simpleParser>[1]);
  } catch (err) {
    warnings.push(`MIME parser failed: ${(err as Error).message}`);
    return fallbackParse(input, warnings);
  }

  const headers = collectHeaders(mp);
  const topHeader = str(headers['content-type']?.[0]) || 'text/plain';
  const isReport = /^\s*multipart\/report\b/iu.test(topHeader);
  checkStructure(input, topHeader, warnings);

  const out: ParsedMail = {
    messageId: normalizeMessageId(headers['message-id']?.[0]),
    inReplyTo: normalizeMessageId(headers['in-reply-to']?.[0]),
    references: parseMessageIds((headers['references'] ?? []).join(' ')),
    subject: nfc(str(mp.subject) || str(headers['subject']?.[0])),
    from: firstAddress(mp.from),
    to: addresses(mp.to),
    cc: addresses(mp.cc),
    replyTo: addresses(mp.replyTo),
    // Not mp.date: mailparser substitutes the current time for an unreadable Date (no clock here).
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
  for (const a of Array.isArray(mp.attachments) ? mp.attachments : []) {
    n++;
    // Every part counts against the mail's budget, nested messages included (docs/hostile-input.md §Limits).
    usage.parts++;
    usage.bytes += Buffer.isBuffer(a?.content) ? a.content.length : 0;
    if (!usage.exceeded && usage.parts > opts.limits.mimeMaxParts) usage.exceeded = limitExceeded('MIME_TOO_MANY_PARTS', `more than ${opts.limits.mimeMaxParts} MIME parts`);
    if (!usage.exceeded && usage.bytes > opts.limits.mimeMaxDecodedBytes) usage.exceeded = limitExceeded('MIME_TOO_LARGE', `MIME parts decode to more than ${mib(opts.limits.mimeMaxDecodedBytes)}`);
    if (usage.exceeded) break;
    await addPart(out, a, n, { isReport, depth, opts, usage });
  }
  if (out.attachments.length > opts.maxAttachments) {
    warnings.push(`too many attachments: kept ${opts.maxAttachments} of ${out.attachments.length}`);
    out.attachments = out.attachments.slice(0, opts.maxAttachments);
  }
  return out;
}

type PartCtx = { isReport: boolean; depth: number; opts: Resolved; usage: Usage };

async function addPart(out: ParsedMail, a: Attachment, n: number, ctx: PartCtx): Promise<void> {
  // Every field mailparser gives comes from the sender: a mangled Content-Type gives `false`, not a string.
  const contentType = mimeType(a.contentType);
  const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
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
          const sub = await parseAt(inner, ctx.opts, ctx.depth + 1, ctx.usage);
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
    const sub = ctx.depth < ctx.opts.limits.mimeMaxDepth && content.length > 0 ? await parseAt(content, ctx.opts, ctx.depth + 1, ctx.usage).catch(() => null) : null;
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

function collectHeaders(mp: MpParsedMail): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const h of Array.isArray(mp.headerLines) ? mp.headerLines : []) {
    const key = str(h?.key);
    const line = str(h?.line);
    if (!key) continue;
    const name = key.toLowerCase();
    const colon = line.indexOf(':');
    const value = nfc(decodeWords(unfold(raw8bit(colon >= 0 ? line.slice(colon + 1) : line))).trim());
    (headers[name] ??= []).push(value);
  }
  return headers;
}

/**
 * mailsplit hands header lines over as latin1 ("binary") strings; raw 8-bit UTF-8 headers (RFC 6532,
 * and common in practice) are re-read as UTF-8 when they are valid UTF-8.
 */
function raw8bit(s: string): string {
  if (!/[\u0080-\u00ff]/u.test(s) || /[^\u0000-\u00ff]/u.test(s)) return s;
  const utf8 = Buffer.from(s, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? s : utf8;
}

/** Note the MIME damage mailparser silently forgives (unclosed multipart boundaries). */
function checkStructure(raw: Buffer, contentType: string, warnings: string[]): void {
  if (!/^\s*multipart\//iu.test(contentType)) return;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^";\s]+))/iu.exec(contentType);
  if (!m) {
    warnings.push('multipart without boundary');
    return;
  }
  // Searched in the bytes: a string copy of a 50 MB mail would cost 50 MB more.
  const b = (m[1] ?? m[2])!;
  if (raw.indexOf(`--${b}`, 0, 'latin1') < 0) warnings.push('multipart boundary never appears');
  else if (raw.indexOf(`--${b}--`, 0, 'latin1') < 0) warnings.push('multipart not closed (missing final boundary)');
}

/** An RFC 5322 date (comments stripped), or null; never the current time. */
export function parseMailDate(value: string | undefined): Date | null {
  if (!value) return null;
  const v = value.replace(/\([^()]*\)/gu, ' ').replace(/\s+/gu, ' ').trim();
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): MailAddress | null {
  return addresses(a)[0] ?? null;
}

function addresses(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (v: { address?: string; name?: string; group?: unknown[] }): void => {
    if (Array.isArray(v.group)) for (const g of v.group) visit(g as typeof v);
    else if (str(v.address) || str(v.name)) out.push({ address: nfc(str(v.address)).toLowerCase(), name: nfc(decodeWords(str(v.name))) });
  };
  for (const obj of a === undefined || a === null ? [] : Array.isArray(a) ? a : [a]) for (const v of Array.isArray(obj?.value) ? obj.value : []) if (v && typeof v === 'object') visit(v);
  return out;
}

/** Last-resort split into headers and body, when mailparser itself fails. */
function fallbackParse(raw: Buffer, warnings: string[]): ParsedMail {
  const text = raw.toString('utf8');
  const split = /\r?\n\r?\n/u.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  const body = split ? text.slice(split.index + split[0].length) : '';
  const headers: Record<string, string[]> = {};
  for (const line of head.replace(/\r?\n(?=[ \t])/gu, '').split(/\r?\n/u)) {
    const m = /^([!-9;-~]+)\s*:\s*(.*)$/u.exec(line);
    if (m) (headers[m[1]!.toLowerCase()] ??= []).push(nfc(decodeWords(m[2]!.trim())));
  }
  return {
    ...emptyMail(),
    messageId: normalizeMessageId(headers['message-id']?.[0]),
    inReplyTo: normalizeMessageId(headers['in-reply-to']?.[0]),
    references: parseMessageIds((headers['references'] ?? []).join(' ')),
    subject: headers['subject']?.[0] ?? '',
    headers,
    text: nfc(body),
    warnings,
  };
}

function emptyMail(): ParsedMail {
  return {
    messageId: null, inReplyTo: null, references: [], subject: '', from: null, to: [], cc: [], replyTo: [], date: null,
    headers: {}, text: '', html: null, attachments: [], reportParts: [], warnings: [],
  };
}

/** The bytes as text when mostly printable (UTF-8), else null. */
function readableText(raw: Buffer): string | null {
  const text = raw.toString('utf8').replace(/\u0000/gu, '');
  const printable = text.replace(/[\p{Cc}\uFFFD]/gu, c => (c === '\n' || c === '\r' || c === '\t' ? c : '')).trim();
  return printable.length > 0 && printable.length >= text.length * 0.8 ? nfc(printable) : null;
}

function countByte(b: Buffer, v: number): number {
  let n = 0;
  for (const x of b) if (x === v) n++;
  return n;
}

function nfc(s: string): string {
  return s.normalize('NFC');
}

/** A value from the parser as a string: '' for anything that is not one (false, undefined, an object). */
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A declared MIME type, lower-case `type/subtype`; application/octet-stream when absent or not a type. */
export function mimeType(v: unknown): string {
  const t = str(v).trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/u.test(t) ? t : 'application/octet-stream';
}
