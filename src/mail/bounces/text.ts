/**
 * Text helpers for the recognisers: the bounce's own words (without the returned original), address
 * clean-up, the reply line of a segment, and a table-driven "address then explanation" scanner.
 */
import type { ParsedMail } from '../types.js';
import type { BounceView, Finding } from './types.js';

/** Characters of a body read (a bounce may quote a whole message after its own words). */
export const MAX_SCAN = 64 * 1024;

/** An address inside text (no quotes, brackets or spaces). */
export const ADDR = String.raw`[^\s<>()"'\[\],;:@]+@[^\s<>()"'\[\],;:@]+\.[^\s<>()"'\[\],;:@]+`;

/**
 * Lines after which a bounce quotes the returned original (qmail, Exim, Sendmail, Exchange, GMX/1&1,
 * DragonFly, OpenSMTPD, m-FILTER, and the French and German localisations).
 */
const ORIGINAL_MARKERS = new RegExp(
  [
    String.raw`^--- Below this line is a copy of the message\.`,
    String.raw`^\s*-{2,}\s*(?:This is a copy of the message|Original message|Returned message|Below this line|The header of the original message|Message d'origine|Message original|Originalnachricht|original (?:message|mail info))`,
    String.raw`^Original message headers:`,
    String.raw`^Original message follows\.`,
    String.raw`^Message headers follow`,
    String.raw`^\s*Below is a copy of the original message`,
    String.raw`^\s*-{2,}\s*Original message follows`,
  ].join('|'),
  'imu',
);

/** The body text of a bounce, bounded, LF line ends; the HTML stripped of tags when there is no text part. */
function bodyText(mail: ParsedMail): string {
  const t = mail.text.trim() ? mail.text : (mail.html ?? '').replace(/<(?:br|\/p|\/div|\/tr)\b[^>]*>/giu, '\n').replace(/<[^>]+>/gu, ' ').replace(/&nbsp;/gu, ' ');
  return t.slice(0, MAX_SCAN).replace(/\r\n?/gu, '\n');
}

/** The text up to the returned original. */
export function beforeOriginal(text: string): string {
  const cut = text.search(ORIGINAL_MARKERS);
  return cut > 0 ? text.slice(0, cut) : text;
}

/** The view recognisers share. */
export function bounceView(mail: ParsedMail): BounceView {
  const full = bodyText(mail);
  return {
    mail,
    text: beforeOriginal(full),
    full,
    subject: mail.subject,
    from: (mail.from?.address ?? '').toLowerCase(),
    header: name => (mail.headers[name]?.[0] ?? '').trim(),
  };
}

/** Lower-case, without brackets, quotes and trailing punctuation; null when not an address. */
export function cleanAddress(raw: string): string | null {
  const a = raw.trim().replace(/^(?:rfc822;\s*)/iu, '').replace(/^[<"'(\s]+|[>"')\s.,;:]+$/gu, '').toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/u.test(a) ? a : null;
}

/** The reply a segment quotes: the line with an enhanced code and a reply code, else a line with a 4xx/5xx reply. */
export function diagnosticLine(segment: string): string | null {
  const lines = segment.split('\n').map(l => l.trim()).filter(Boolean);
  const withEnhanced = lines.find(l => /(?<![\w.])[45]\.\d{1,3}\.\d{1,3}(?!\.?\d)/u.test(l));
  const line = withEnhanced ?? lines.find(l => /(?:^|[\s'"(>:])[45]\d\d(?:[\s\-'"]|$)/u.test(l));
  if (!line) return null;
  const reason = /^\(reason:\s*(.*?)\)?$/iu.exec(line);
  if (reason) return reason[1]!.trim();
  return line
    .replace(/^(?:Remote (?:host|server) (?:said|returned)[:\s]*|Remote Server returned\s*|The (?:error that the other server returned was|response (?:from the remote server )?was):?\s*|Received >>>\s*|<<<\s*)/iu, '')
    .replace(/^'|'$/gu, '')
    .trim();
}

/** Join RFC 5322-style continuation lines (indented) to the line before (Postfix wraps its replies). */
export function unfoldLines(s: string): string {
  return s.replace(/\n[ \t]+(?=\S)/gu, ' ');
}

/**
 * Run `re` over `text`: group 1 is the address, group 2 (optional) the words about it. Used by the
 * recognisers whose format is "address, then its explanation".
 */
export function scan(text: string, re: RegExp, extra: Partial<Finding> = {}): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))) {
    const address = cleanAddress(m[1] ?? '');
    if (!address || seen.has(address)) continue;
    seen.add(address);
    out.push({ address, segment: (m[2] ?? '').trim(), ...extra });
  }
  return out;
}

/** Characters of text kept about one recipient (a hostile bounce must not make every lookup scan it all). */
export const MAX_SEGMENT = 2048;

/** The text after the first match of `marker`, up to `stop` (or the end). */
export function after(text: string, marker: RegExp, stop?: RegExp): string | null {
  const m = marker.exec(text);
  if (!m) return null;
  const rest = text.slice(m.index + m[0].length);
  const end = stop ? rest.search(stop) : -1;
  return end < 0 ? rest : rest.slice(0, end);
}
