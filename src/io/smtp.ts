import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { HostedAgency } from '../config/schema.js';
import { vnMailDate } from '../domain/vn-time.js';

/** One message as the sender hands it over: fully rendered, with the bytes of its attachments. */
export type OutgoingMail = {
  from: { name: string; address: string };
  to: string;
  subject: string;
  messageId: string;
  date?: Date;
  text: string;
  html?: string;
  headers: Record<string, string>;
  inReplyTo?: string;
  references?: string[];
  attachments: Array<{ filename: string; contentType: string; content: Buffer; description?: string }>;
  dsn?: { envid: string; notify: Array<'SUCCESS' | 'FAILURE' | 'DELAY'> };
  requestReadReceipt?: boolean;
};

export type SendResult = { accepted: string[]; rejected: string[]; response: string };

/** The SMTP port the outbox uses; only this file imports nodemailer. */
export type Mailer = { send(mail: OutgoingMail): Promise<SendResult>; close(): void };

/** nodemailer SMTP options for a hosted agency's mailbox (TLS verified against the configured CA). */
export function smtpOptions(agency: HostedAgency): SMTPTransport.Options & { pool: true; maxConnections: number; maxMessages: number } {
  const { smtp } = agency;
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // TLS by default (docs/mail.md §TLS): STARTTLS required unless the config says allowCleartext.
    requireTLS: smtp.requireTLS,
    ignoreTLS: !smtp.requireTLS && !smtp.secure && smtp.allowCleartext,
    auth: smtp.user ? { user: smtp.user, pass: agency.smtpPassword ?? '' } : undefined,
    tls: { ...(smtp.tls.caFile ? { ca: readFileSync(smtp.tls.caFile) } : {}), ...(smtp.tls.servername ? { servername: smtp.tls.servername } : {}) },
    // One pooled connection per transport: STARTTLS + AUTH once, not once per receipt. The outbox's
    // pool (smtp-pool.ts) opens more transports within the host's budget (docs/operations.md §Workers).
    pool: true,
    maxConnections: 1,
    maxMessages: 200,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  };
}

/**
 * A Mailer over nodemailer's SMTP transport. Errors keep nodemailer's protocol fields (`code`,
 * `responseCode`, `response`, `command`) so the outbox can classify them (4xx retry, 5xx fail).
 */
export function createSmtpMailer(agency: HostedAgency): Mailer {
  const transport: Transporter<SMTPTransport.SentMessageInfo> = nodemailer.createTransport(smtpOptions(agency) as SMTPTransport.Options);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        messageId: mail.messageId,
        // Vietnam time, +0700 (nodemailer would write +0000): docs/mail.md §Sending and retries.
        date: vnMailDate(mail.date ?? new Date()),
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        attachments: mail.attachments.map(a => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.description ? { headers: { 'Content-Description': a.description } } : {}) })),
        // RFC 3461: sent only when the server offers DSN (nodemailer checks the EHLO reply).
        dsn: mail.dsn ? { id: mail.dsn.envid, return: 'headers', notify: mail.dsn.notify, recipient: mail.to } : undefined,
        // RFC 8098: ask the recipient's client for a read receipt.
        ...(mail.requestReadReceipt ? { headers: { ...mail.headers, 'Disposition-Notification-To': mail.from.address } } : {}),
      });
      return {
        accepted: info.accepted.map(addressOf),
        rejected: info.rejected.map(addressOf),
        response: info.response,
      };
    },
    close: () => transport.close(),
  };
}

/** Connect, upgrade to TLS as configured and log in, then quit: `config check`'s SMTP probe. Throws with the server's words. */
export async function verifySmtp(agency: HostedAgency): Promise<void> {
  const { pool: _pool, maxConnections: _max, maxMessages: _msgs, ...single } = smtpOptions(agency);
  const transport = nodemailer.createTransport({ ...single, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

function addressOf(a: unknown): string {
  return typeof a === 'string' ? a : String((a as { address?: string }).address ?? a);
}
