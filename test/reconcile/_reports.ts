/** Reports as intake leaves them: raw mail in the blob store, a received row, an inbound_reports row (pending). */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { App } from '../../src/app.js';
import { pendingReport } from '../helpers/factories.js';
import { buildStatus } from '../../src/edxml/status.js';
import type { StatusCode } from '../../src/edxml/codes.js';
import type { ResponseFor } from '../../src/edxml/types.js';

let seq = 0;

/** Store a raw mail as a pending report of `kind` in `agencyCode`'s mailbox (as intake leaves it); returns the report id. */
export function injectReport(app: App, agencyCode: string, kind: string, raw: Buffer | string): Promise<number> {
  return pendingReport(app, agencyCode, kind, raw);
}

/** A status mail as a peer gateway sends it (answer.ts shape). */
export async function statusMail(o: { from: string; to: string; code: StatusCode; numberNotation: string; inReplyTo?: string; responseFor?: ResponseFor; fromOrganId?: string; description?: string; messageId?: string }): Promise<Buffer> {
  const xml = buildStatus({ responseFor: o.responseFor ?? { code: o.numberNotation }, from: { organId: o.fromOrganId ?? '' }, statusCode: o.code, description: o.description ?? 'x', timestamp: '2026-11-20T05:00:00Z' });
  return new MailComposer({
    from: o.from,
    to: o.to,
    subject: `[VBĐT-TT] ${o.code} Trạng thái: ${o.numberNotation}`,
    messageId: o.messageId ?? `<st-${++seq}@peer.test>`,
    inReplyTo: o.inReplyTo,
    references: o.inReplyTo ? [o.inReplyTo] : undefined,
    headers: { 'Auto-Submitted': 'auto-replied' },
    text: 'Thông báo trạng thái.',
    attachments: [{ filename: 'trangthai.edxml', content: xml, contentType: 'application/xml' }],
  }).compile().build();
}

/** An RFC 3464 DSN (Postfix shape); `global` uses message/global-delivery-status (RFC 6533). */
export function dsnMail(o: { to: string; recipient: string; action: string; status: string; diagnostic?: string; envid?: string; originalMessageId?: string; global?: boolean }): string {
  const type = o.global ? 'message/global-delivery-status' : 'message/delivery-status';
  return [
    'From: MAILER-DAEMON@mail.test (Mail Delivery System)',
    `To: ${o.to}`,
    `Subject: ${o.action === 'delivered' ? 'Successful Mail Delivery Report' : 'Undelivered Mail Returned to Sender'}`,
    `Message-ID: <dsn-${++seq}@mail.test>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BB"',
    '',
    '--BB',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host mail.test.',
    '',
    '--BB',
    `Content-Type: ${type}`,
    '',
    'Reporting-MTA: dns; mail.test',
    ...(o.envid ? [`Original-Envelope-Id: ${o.envid}`] : []),
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Original-Recipient: rfc822;${o.recipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    ...(o.diagnostic ? [`Diagnostic-Code: smtp; ${o.diagnostic}`] : []),
    '',
    '--BB',
    'Content-Type: text/rfc822-headers',
    '',
    ...(o.originalMessageId ? [`Message-ID: ${o.originalMessageId}`] : []),
    'Subject: [VBĐT] x',
    '',
    '--BB--',
    '',
  ].join('\n');
}

/** An RFC 8098 MDN. */
export function mdnMail(o: { from: string; to: string; originalMessageId: string; disposition?: string }): string {
  return [
    `From: ${o.from}`,
    `To: ${o.to}`,
    'Subject: Read: văn bản',
    `Message-ID: <mdn-${++seq}@peer.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=disposition-notification; boundary="MM"',
    '',
    '--MM',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Đã đọc.',
    '--MM',
    'Content-Type: message/disposition-notification',
    '',
    'Reporting-UA: peer.test; Thunderbird',
    `Final-Recipient: rfc822;${o.from}`,
    `Original-Message-ID: ${o.originalMessageId}`,
    `Disposition: manual-action/MDN-sent-manually; ${o.disposition ?? 'displayed'}`,
    '',
    '--MM--',
    '',
  ].join('\n');
}

/** A human reply. */
export async function replyMail(o: { from: string; to: string; subject: string; text: string; inReplyTo?: string }): Promise<Buffer> {
  return new MailComposer({ from: o.from, to: o.to, subject: o.subject, messageId: `<re-${++seq}@peer.test>`, inReplyTo: o.inReplyTo, references: o.inReplyTo ? [o.inReplyTo] : undefined, text: o.text }).compile().build();
}
