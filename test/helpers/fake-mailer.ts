/**
 * A scriptable mailer (the Mailer port of src/io/smtp.ts) for fast tests of the outbox: each send
 * is answered by the next scripted reply for its recipient (or the default one): a 250, a 4xx or
 * 5xx reply at RCPT or DATA, or a dropped connection — failures shaped like nodemailer's
 * (`responseCode`, `response`, `code`, `command`), so the outbox classifies them as in production.
 */
import type { HostedAgency } from '../../src/config/schema.js';
import type { Mailer, OutgoingMail, SendResult } from '../../src/io/smtp.js';

/** One scripted answer of the server. */
export type Reply =
  | { accept: true; response?: string }
  | { code: number; text: string; command?: 'RCPT TO' | 'DATA' | 'MAIL FROM' }
  | { disconnect: true; code?: 'ECONNECTION' | 'ETIMEDOUT' | 'ESOCKET' };

/** 250 Ok. */
export const ACCEPT: Reply = { accept: true };

/** Replies by shape, for readable scripts. */
export const reply = {
  accept: (response = '250 2.0.0 Ok: queued as FAKE'): Reply => ({ accept: true, response }),
  transient: (text = '451 4.3.0 Temporary failure, try again later'): Reply => ({ code: Number(text.slice(0, 3)), text }),
  permanent: (text = '550 5.1.1 <x@y.vn>: Recipient address rejected: User unknown'): Reply => ({ code: Number(text.slice(0, 3)), text, command: 'RCPT TO' }),
  disconnect: (code: 'ECONNECTION' | 'ETIMEDOUT' | 'ESOCKET' = 'ECONNECTION'): Reply => ({ disconnect: true, code }),
};

/** A mail as the fake server received it, with the agency that sent it. */
export type Sent = OutgoingMail & { agency: string; response: string };

export class FakeMailer {
  /** Every mail the server accepted, in order. */
  readonly sent: Sent[] = [];
  /** Every attempt, accepted or not: recipient and the reply given. */
  readonly attempts: Array<{ to: string; reply: Reply }> = [];
  private byRecipient = new Map<string, Reply[]>();
  private defaults: Reply[] = [];
  /** Open connections (the outbox must close what it opens). */
  open = 0;
  /** Where an accepted mail goes next (the world delivers mail for hosted agencies to their fake mailboxes). */
  deliver: (mail: Sent) => Promise<void> = async () => undefined;

  /** The next replies for one recipient address (then the default ones). */
  script(to: string, ...replies: Reply[]): this {
    this.byRecipient.set(to.toLowerCase(), [...(this.byRecipient.get(to.toLowerCase()) ?? []), ...replies]);
    return this;
  }

  /** The next replies for any recipient without a script of its own; when none is left, 250. */
  scriptDefault(...replies: Reply[]): this {
    this.defaults.push(...replies);
    return this;
  }

  /** The `mailerFor` port. */
  readonly mailerFor = (agency: HostedAgency): Mailer => {
    this.open++;
    return {
      send: async mail => this.answer(agency.code, mail),
      close: () => {
        this.open--;
      },
    };
  };

  private async answer(agency: string, mail: OutgoingMail): Promise<SendResult> {
    const r = this.byRecipient.get(mail.to.toLowerCase())?.shift() ?? this.defaults.shift() ?? ACCEPT;
    this.attempts.push({ to: mail.to, reply: r });
    if ('accept' in r) {
      const response = r.response ?? '250 2.0.0 Ok: queued as FAKE';
      const sent = { ...mail, agency, response };
      this.sent.push(sent);
      await this.deliver(sent);
      return { accepted: [mail.to], rejected: [], response };
    }
    if ('disconnect' in r) throw Object.assign(new Error(`Connection closed (${r.code ?? 'ECONNECTION'})`), { code: r.code ?? 'ECONNECTION' });
    throw Object.assign(new Error(`Can't send mail - all recipients were rejected: ${r.text}`), {
      code: r.command === 'DATA' ? 'EMESSAGE' : 'EENVELOPE',
      responseCode: r.code,
      response: r.text,
      command: r.command ?? 'RCPT TO',
    });
  }
}

/** The mail as RFC 5322 bytes, the way nodemailer would put it on the wire (for delivery to a fake mailbox). */
export async function rawOf(mail: OutgoingMail): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  return new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    messageId: mail.messageId,
    date: mail.date,
    text: mail.text,
    html: mail.html,
    headers: { ...mail.headers, ...(mail.requestReadReceipt ? { 'Disposition-Notification-To': mail.from.address } : {}) },
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    attachments: mail.attachments.map(a => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  })
    .compile()
    .build();
}
