/**
 * Delivery reports: RFC 3464 DSNs (message/delivery-status, and RFC 6533 message/global-delivery-status)
 * and, failing that, the human-readable bounces the recognisers of `bounces/` understand (one per MTA
 * family or wording group; docs/mail.md §Bounces and delivery reports). A recipient's status comes
 * from the DSN Status field, else its Diagnostic-Code, else the bounce's words (bounces/status.ts).
 */
import { parseFieldBlocks, normalizeMessageId, decodeCharset } from './headers.js';
import { bounceRecipients, recognise, type Recognised } from './bounces/recognise.js';
import { resolveStatus } from './bounces/status.js';
import { bounceView } from './bounces/text.js';
import type { DeliveryAction } from './bounces/types.js';
import type { ParsedMail } from './types.js';

export type { DeliveryAction } from './bounces/types.js';
export { statusFrom } from './bounces/status.js';

export type DeliveryRecipient = { address: string; action: DeliveryAction; status: string | null; diagnostic: string | null };

export type DeliveryReport = {
  originalMessageId: string | null;
  originalEnvelopeId: string | null;
  recipients: DeliveryRecipient[];
  /** 'rfc3464' when read from a delivery-status part, else the recogniser that read the text. */
  source: string;
  /**
   * The recogniser whose wording matched (bounces/registry.ts): the MTA family even when a DSN part gave
   * the recipients; 'rfc3464' for a DSN no family claims; 'generic' for a bounce no family claims.
   */
  recogniser: string;
};

const ACTIONS = new Set<DeliveryAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

/** Read a delivery report from a mail classified as one; null when nothing usable is found. */
export function parseDeliveryReport(mail: ParsedMail): DeliveryReport | null {
  const originalMessageId = findOriginalMessageId(mail);
  const view = bounceView(mail);
  const rec = recognise(view);
  const part = mail.reportParts.find(p => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
  if (part) {
    const r = parseDsnFields(decodeCharset(part.content, 'utf-8'), rec);
    if (r.recipients.length > 0 || r.originalEnvelopeId) return { ...r, originalMessageId, source: 'rfc3464', recogniser: rec.family ?? 'rfc3464' };
  }
  const recipients = bounceRecipients(view, rec);
  if (recipients.length === 0 && !originalMessageId) return null;
  return { originalMessageId, originalEnvelopeId: null, recipients, source: rec.recogniser, recogniser: rec.recogniser };
}

/**
 * Parse the fields of a message/delivery-status body (RFC 3464 §2.2, §2.3). `text` (what the
 * recognisers found in the human-readable part) fills in a status the fields do not give.
 */
export function parseDsnFields(body: string, text?: Pick<Recognised, 'findings' | 'delayed'>): { originalEnvelopeId: string | null; recipients: DeliveryRecipient[] } {
  const blocks = parseFieldBlocks(body);
  let originalEnvelopeId: string | null = null;
  const recipients: DeliveryRecipient[] = [];
  for (const b of blocks) {
    if (b['original-envelope-id'] && !originalEnvelopeId) originalEnvelopeId = b['original-envelope-id'].trim();
    const addrField = b['final-recipient'] ?? b['original-recipient'];
    if (!addrField && !b['action']) continue;
    const address = stripAddressType(addrField ?? '');
    const named = (b['action'] ?? '').trim().toLowerCase().split(/[\s;(]/u)[0] as DeliveryAction;
    const diagnostic = b['diagnostic-code'] ? b['diagnostic-code'].replace(/^\s*[\w-]+\s*;\s*/u, '').trim() : null;
    const finding = text?.findings.find(f => f.address === address);
    const fieldClass = /^\s*([245])\./u.exec(b['status'] ?? '')?.[1];
    // Without an Action field: the Status class decides, and a delay notice is never a failure.
    const action: DeliveryAction = ACTIONS.has(named)
      ? named
      : fieldClass === '2' ? 'delivered' : fieldClass === '4' || (!fieldClass && text?.delayed) ? 'delayed' : 'failed';
    const status = resolveStatus({
      field: b['status'] ?? null,
      diagnostic,
      texts: [finding?.diagnostic, finding?.segment],
      cls: action === 'delayed' ? '4' : action === 'failed' ? '5' : null,
      fallback: action === 'delayed' ? '4.4.7' : action === 'failed' ? '5.0.0' : null,
    });
    recipients.push({ address, action, status, diagnostic: diagnostic ?? finding?.diagnostic ?? null });
  }
  return { originalEnvelopeId, recipients };
}

/** "rfc822; user@example.com" / "utf-8; ..." → the address, lower-case. */
function stripAddressType(v: string): string {
  return v.replace(/^\s*[\w-]+\s*;\s*/u, '').replace(/^<|>$/gu, '').trim().toLowerCase();
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
