/**
 * Delivery reports: RFC 3464 DSNs (message/delivery-status, and RFC 6533 message/global-delivery-status)
 * and, failing that, the human-readable bounces of qmail, Exim, Sendmail, Exchange, Gmail and Postfix
 * (docs/mail.md §Delivery reports, §Non-standard bounces). Recipient patterns are a table; the status code comes from the
 * diagnostic text (RFC 3463 enhanced code, else the basic SMTP reply code).
 */
import { parseFieldBlocks, normalizeMessageId, decodeCharset } from './headers.js';
import { bounceMarker } from './bounce-patterns.js';
import type { ParsedMail } from './types.js';

export type DeliveryAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export type DeliveryRecipient = { address: string; action: DeliveryAction; status: string | null; diagnostic: string | null };

export type DeliveryReport = {
  originalMessageId: string | null;
  originalEnvelopeId: string | null;
  recipients: DeliveryRecipient[];
  /** 'rfc3464' when read from a delivery-status part, else the MTA family of the heuristic. */
  source: string;
};

const ACTIONS = new Set<DeliveryAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);
const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/u;
const BASIC = /\b([245])\d\d\b/u;
const DELAY_WORDING = /(?:warning only|not yet been delivered|message not yet delivered|will (?:retry|continue trying|be retried)|temporary (?:problem|failure)|delivery (?:delayed|incomplete)|still trying|delay(?:ed)? (?:notification|in delivery))/iu;

/** Read a delivery report from a mail classified as one; null when nothing usable is found. */
export function parseDeliveryReport(mail: ParsedMail): DeliveryReport | null {
  const originalMessageId = findOriginalMessageId(mail);
  const part = mail.reportParts.find(p => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
  if (part) {
    const r = parseDsnFields(decodeCharset(part.content, 'utf-8'));
    if (r.recipients.length > 0 || r.originalEnvelopeId) return { ...r, originalMessageId, source: 'rfc3464' };
  }
  const h = heuristicRecipients(mail);
  if (h.recipients.length === 0 && !originalMessageId) return null;
  return { originalMessageId, originalEnvelopeId: null, recipients: h.recipients, source: h.mta };
}

/** Parse the fields of a message/delivery-status body (RFC 3464 §2.2, §2.3). */
export function parseDsnFields(text: string): { originalEnvelopeId: string | null; recipients: DeliveryRecipient[] } {
  const blocks = parseFieldBlocks(text);
  let originalEnvelopeId: string | null = null;
  const recipients: DeliveryRecipient[] = [];
  for (const b of blocks) {
    if (b['original-envelope-id'] && !originalEnvelopeId) originalEnvelopeId = b['original-envelope-id'].trim();
    const addrField = b['final-recipient'] ?? b['original-recipient'];
    if (!addrField && !b['action']) continue;
    const action = (b['action'] ?? '').trim().toLowerCase().split(/[\s;(]/u)[0] as DeliveryAction;
    const diagnostic = b['diagnostic-code'] ? b['diagnostic-code'].replace(/^\s*[\w-]+\s*;\s*/u, '').trim() : null;
    const status = (b['status'] ?? '').match(ENHANCED)?.[0] ?? (diagnostic ? statusFrom(diagnostic) : null);
    recipients.push({
      address: stripAddressType(addrField ?? ''),
      action: ACTIONS.has(action) ? action : status?.startsWith('4') ? 'delayed' : status?.startsWith('2') ? 'delivered' : 'failed',
      status,
      diagnostic,
    });
  }
  return { originalEnvelopeId, recipients };
}

/** "rfc822; user@example.com" / "utf-8; ..." → the address, lower-case. */
function stripAddressType(v: string): string {
  return v.replace(/^\s*[\w-]+\s*;\s*/u, '').replace(/^<|>$/gu, '').trim().toLowerCase();
}

/** An RFC 3463 code from a diagnostic; from a basic reply code (550 → 5.0.0) if there is none. */
export function statusFrom(diagnostic: string): string | null {
  const e = ENHANCED.exec(diagnostic);
  if (e) return e[0];
  const b = BASIC.exec(diagnostic);
  return b ? `${b[1]}.0.0` : null;
}

/**
 * The returned message's Message-ID: the message/rfc822 or text/rfc822-headers report part, an attached
 * `.eml`, then a copy of the headers quoted in the body (qmail, Exim), then the bounce's In-Reply-To
 * (Gmail sets it).
 */
export function findOriginalMessageId(mail: ParsedMail): string | null {
  const sources: string[] = [];
  for (const p of mail.reportParts) if (/rfc822|headers/u.test(p.contentType)) sources.push(headSection(p.content));
  for (const a of mail.attachments) if (a.contentType === 'message/rfc822' && !a.forwarded) sources.push(headSection(a.content));
  for (const s of sources) {
    const id = headerValue(s, 'message-id');
    if (id) return normalizeMessageId(id);
  }
  const quoted = /^\s*Message-ID:\s*(<[^>\s]+>)/imu.exec(mail.text);
  if (quoted) return quoted[1]!;
  return mail.inReplyTo;
}

function headSection(b: Buffer): string {
  const t = b.toString('utf8');
  const end = t.search(/\r?\n\r?\n/u);
  return end >= 0 ? t.slice(0, end) : t;
}

function headerValue(head: string, name: string): string | null {
  const unfolded = head.replace(/\r?\n[ \t]+/gu, ' ');
  const m = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'imu').exec(unfolded);
  return m ? m[1]!.trim() : null;
}

/** Recipient patterns of human-readable bounces: `address` and the `segment` that explains it. */
const RECIPIENT_PATTERNS: ReadonlyArray<{ mta: string; re: RegExp }> = [
  // qmail: "<user@host>:\n1.2.3.4 does not like recipient.\nRemote host said: 550 5.1.1 ..."; Postfix: "<user@host>: host x said: 550 ..."
  { mta: 'angle-colon', re: /^<([^<>\s]+@[^<>\s]+)>:[ \t]*\n?([\s\S]*?)(?=\n[ \t]*\n|\n<[^<>\s]+@|$)/gmu },
  // Exim: "The following address(es) failed:\n\n  user@host\n    host ... 550 5.1.1 ..."
  { mta: 'exim', re: /^[ \t]{2}([^\s<>@]+@[^\s<>]+?)(?:[ \t]*<[^>]*>)?[ \t]*\n((?:[ \t]{3,}.*(?:\n|$))*)/gmu },
  // Sendmail: "----- The following addresses had permanent fatal errors -----\n<user@host>\n    (reason: 550 5.1.1 User unknown)"
  { mta: 'sendmail', re: /-+ The following addresses had (?:permanent fatal errors|transient non-fatal errors) -+\s*\n\s*<?([^<>\s]+@[^<>\s]+?)>?\s*\n([\s\S]*?)(?=\n[ \t]*\n|$)/giu },
  // Exchange: "Delivery has failed to these recipients or groups:\n\nName (user@host)\n..." / "Your message to user@host couldn't be delivered."
  { mta: 'exchange', re: /Delivery has failed to these recipients or groups:\s*\n(?:\s*\n)*\s*(?:[^\n(]*\()?([^\s()<>]+@[^\s()<>]+?)\)?[ \t]*\n([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)/giu },
  { mta: 'exchange', re: /Your message to ([^\s<>]+@[^\s<>]+) couldn't be delivered\.?([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)/giu },
  // Gmail: "Your message wasn't delivered to user@host because ..." / "There was a temporary problem delivering your message to user@host."
  { mta: 'gmail', re: /(?:wasn't delivered to|problem delivering your message to)\s+<?([^\s<>]+@[^\s<>]+)>?\s([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)/giu },
];

/** Heuristic recipients from a human-readable bounce body (and X-Failed-Recipients). */
export function heuristicRecipients(mail: ParsedMail): { mta: string; recipients: DeliveryRecipient[] } {
  const text = bodyBeforeOriginal(mail.text.slice(0, 64 * 1024).replace(/\r\n?/gu, '\n'));
  const family = bounceMarker(text) ?? 'generic';
  const delayed = DELAY_WORDING.test(text) || DELAY_WORDING.test(mail.subject);
  const found = new Map<string, DeliveryRecipient>();
  const add = (address: string, segment: string): void => {
    const a = address.toLowerCase().replace(/[.,;:]+$/u, '');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(a) || found.has(a)) return;
    const diagnostic = diagnosticFrom(segment) ?? diagnosticFrom(text);
    const status = diagnostic ? statusFrom(diagnostic) : null;
    const action: DeliveryAction = status?.startsWith('4') || (delayed && !status?.startsWith('5')) ? 'delayed' : 'failed';
    found.set(a, { address: a, action, status, diagnostic });
  };
  const patterns = family === 'exim' ? RECIPIENT_PATTERNS : RECIPIENT_PATTERNS.filter(p => p.mta !== 'exim');
  for (const { re } of patterns) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) add(m[1]!, m[2] ?? '');
  }
  for (const h of mail.headers['x-failed-recipients'] ?? []) for (const a of h.split(/[,\s]+/u)) if (a) add(a, '');
  return { mta: family, recipients: [...found.values()] };
}

/** The bounce text without the returned original (qmail, Exim and Sendmail quote it after a marker line). */
function bodyBeforeOriginal(text: string): string {
  const cut = text.search(/^(?:--- Below this line is a copy of the message\.|-{3,}\s*(?:This is a copy of the message|Original message|Returned message|Below this line)|-{5} Original message -{5}|Original message headers:)/imu);
  return cut > 0 ? text.slice(0, cut) : text;
}

/** The SMTP reply quoted in a segment: the line with an enhanced or basic code, trimmed. */
function diagnosticFrom(segment: string): string | null {
  const lines = segment.split('\n').map(l => l.trim()).filter(Boolean);
  const withEnhanced = lines.find(l => ENHANCED.test(l) && /\b[245]\d\d\b|\b[245]\.\d/u.test(l));
  const line = withEnhanced ?? lines.find(l => /(?:^|\s|'|")[245]\d\d[\s-]/u.test(l));
  if (!line) return null;
  return line.replace(/^(?:Remote (?:host|server) (?:said|returned)[:\s]*|Remote Server returned\s*|The response (?:from the remote server )?was:\s*|\(reason:\s*)/iu, '').replace(/^'|'$|\)$/gu, '').trim();
}
