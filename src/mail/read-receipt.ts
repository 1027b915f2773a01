/**
 * Read receipts: RFC 8098 Message Disposition Notifications (`multipart/report;
 * report-type=disposition-notification`, a `message/disposition-notification` part). `displayed`
 * needs a human; automatic MDNs say `processed`, `dispatched` or `deleted` (RFC 8098 §3.2.6).
 */
import { parseFieldBlocks, normalizeMessageId } from './headers.js';
import { findOriginalMessageId } from './delivery-report.js';
import type { ParsedMail } from './types.js';

export type Disposition = 'displayed' | 'deleted' | 'dispatched' | 'processed' | 'denied' | 'failed' | 'error' | 'unknown';

export type ReadReceipt = {
  originalMessageId: string | null;
  finalRecipient: string | null;
  originalRecipient: string | null;
  disposition: Disposition;
  /** 'manual-action' or 'automatic-action'. */
  actionMode: string | null;
  /** 'MDN-sent-manually' or 'MDN-sent-automatically'. */
  sendingMode: string | null;
  reportingUa: string | null;
};

const DISPOSITIONS = new Set<Disposition>(['displayed', 'deleted', 'dispatched', 'processed', 'denied', 'failed', 'error']);

/** Read an MDN; null when the mail has no disposition-notification part. */
export function parseReadReceipt(mail: ParsedMail): ReadReceipt | null {
  const part = mail.reportParts.find(p => /disposition-notification$/u.test(p.contentType));
  if (!part) return null;
  const fields = Object.assign({}, ...parseFieldBlocks(part.content.toString('utf8')).reverse()) as Record<string, string>;
  // "manual-action/MDN-sent-manually; displayed" (RFC 8098 §3.2.6); old modifiers after '/' are ignored.
  const d = /^\s*([\w-]+)\s*\/\s*([\w-]+)\s*;\s*([\w-]+)/u.exec(fields['disposition'] ?? '');
  const type = (d?.[3] ?? (fields['disposition'] ?? '').split(/[;/\s]/u).pop() ?? '').toLowerCase() as Disposition;
  return {
    originalMessageId: normalizeMessageId(fields['original-message-id']) ?? findOriginalMessageId(mail),
    finalRecipient: addr(fields['final-recipient']),
    originalRecipient: addr(fields['original-recipient']),
    disposition: DISPOSITIONS.has(type) ? type : 'unknown',
    actionMode: d?.[1] ?? null,
    sendingMode: d?.[2] ?? null,
    reportingUa: fields['reporting-ua']?.replace(/^\s*;\s*/u, '').trim() || null,
  };
}

function addr(v: string | undefined): string | null {
  if (!v) return null;
  return v.replace(/^\s*[\w-]+\s*;\s*/u, '').replace(/^<|>$/gu, '').trim().toLowerCase() || null;
}
