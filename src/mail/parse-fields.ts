/**
 * The fields of a parsed mail, read from what mailparser gives (docs/mail.md §Parsing): header
 * lines, dates, addresses, NFC; and the last-resort split when mailparser fails. Split from parse.ts.
 */
import type { AddressObject } from 'mailparser';
import { decodeWords, normalizeMessageId, parseMessageIds, unfold } from './headers.js';
import type { MailAddress, ParsedMail } from './types.js';

type HeaderLine = { key?: unknown; line?: unknown };

/** Header fields by lower-case name, values unfolded, decoded, NFC. */
export function collectHeaders(headerLines: unknown): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const h of (Array.isArray(headerLines) ? headerLines : []) as HeaderLine[]) {
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

/** An RFC 5322 date (comments stripped), or null; never the current time. */
export function parseMailDate(value: string | undefined): Date | null {
  if (!value) return null;
  const v = value.replace(/\([^()]*\)/gu, ' ').replace(/\s+/gu, ' ').trim();
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The first address of a header, or null. */
export function firstAddress(a: AddressObject | AddressObject[] | undefined): MailAddress | null {
  return addresses(a)[0] ?? null;
}

/** Every address of a header (groups flattened), lower-case, NFC. */
export function addresses(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (v: { address?: string; name?: string; group?: unknown[] }): void => {
    if (Array.isArray(v.group)) for (const g of v.group) visit(g as typeof v);
    else if (str(v.address) || str(v.name)) out.push({ address: nfc(str(v.address)).toLowerCase(), name: nfc(decodeWords(str(v.name))) });
  };
  for (const obj of a === undefined || a === null ? [] : Array.isArray(a) ? a : [a]) for (const v of Array.isArray(obj?.value) ? obj.value : []) if (v && typeof v === 'object') visit(v);
  return out;
}

/** Last-resort split into headers and body, when mailparser itself fails. */
export function fallbackParse(raw: Buffer, warnings: string[]): ParsedMail {
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

/** A mail with nothing in it. */
export function emptyMail(): ParsedMail {
  return {
    messageId: null, inReplyTo: null, references: [], subject: '', from: null, to: [], cc: [], replyTo: [], date: null,
    headers: {}, text: '', html: null, attachments: [], reportParts: [], warnings: [],
  };
}

/** The bytes as text when mostly printable (UTF-8), else null. */
export function readableText(raw: Buffer): string | null {
  const text = raw.toString('utf8').replace(/\u0000/gu, '');
  const printable = text.replace(/[\p{Cc}\uFFFD]/gu, c => (c === '\n' || c === '\r' || c === '\t' ? c : '')).trim();
  return printable.length > 0 && printable.length >= text.length * 0.8 ? nfc(printable) : null;
}

/** Unicode NFC. */
export function nfc(s: string): string {
  return s.normalize('NFC');
}

/** A value from the parser as a string: '' for anything that is not one (false, undefined, an object). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A declared MIME type, lower-case `type/subtype`; application/octet-stream when absent or not a type. */
export function mimeType(v: unknown): string {
  const t = str(v).trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/u.test(t) ? t : 'application/octet-stream';
}
