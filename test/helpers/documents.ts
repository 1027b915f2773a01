/** Document mails for integration tests: a real PDF with Vietnamese text, sent like a clerk would. */
import nodemailer from 'nodemailer';
import { makePdf } from '../fixtures/pdf/make-pdf.js';
import { mailServer, smtpSubmissionOptions } from './mailserver.js';

export type DocSpec = {
  numberNotation?: string;
  dateLine?: string;
  type?: string;
  summary?: string;
  urgencyMark?: string;
  secrecyMark?: string;
  issuerLines?: string[];
};

/** A one-page official document as a PDF (header, number, date line, type, summary, signer). */
export async function documentPdf(d: DocSpec = {}): Promise<Buffer> {
  const lines = [
    ...(d.issuerLines ?? ['ỦY BAN NHÂN DÂN', 'TỈNH VĨNH LONG']),
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    `Số: ${d.numberNotation ?? '12/QĐ-UBND'}`,
    d.dateLine ?? 'Vĩnh Long, ngày 15 tháng 5 năm 2019',
    ...(d.urgencyMark ? [d.urgencyMark] : []),
    ...(d.secrecyMark ? [d.secrecyMark] : []),
    d.type ?? 'QUYẾT ĐỊNH',
    d.summary ?? 'Về việc ban hành Quy chế gửi, nhận văn bản điện tử',
    'Điều 1. Ban hành kèm theo Quyết định này Quy chế.',
    'KT. CHỦ TỊCH',
    'PHÓ CHỦ TỊCH',
    'Nguyễn Văn An',
  ];
  return makePdf([lines]);
}

/** Send a mail through the submission port as `from` (a mailbox of the test server). */
export async function sendMail(from: string, to: string | string[], mail: { subject: string; text?: string; messageId?: string; attachments?: Array<{ filename: string; content: Buffer; contentType?: string }>; headers?: Record<string, string> }): Promise<string> {
  mailServer();
  const transport = nodemailer.createTransport(smtpSubmissionOptions(from));
  try {
    const info = await transport.sendMail({ from, to, subject: mail.subject, text: mail.text ?? 'Kính gửi văn thư,\nXin gửi văn bản đính kèm.', messageId: mail.messageId, attachments: mail.attachments, headers: mail.headers });
    return info.messageId;
  } finally {
    transport.close();
  }
}

/** Inject raw RFC 5322 bytes through the MX port (no auth), as if from another server. */
export async function injectRaw(from: string, to: string[], raw: Buffer | string): Promise<void> {
  const srv = mailServer();
  const transport = nodemailer.createTransport({ host: srv.smtpHost, port: srv.smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from, to }, raw });
  } finally {
    transport.close();
  }
}

/** A document mail as raw bytes (for a fake mailbox): a clerk's mail with one PDF. */
export async function documentMail(o: { from: string; to: string; numberNotation: string; messageId?: string; subject?: string; pdf?: Buffer; headers?: Record<string, string> }): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const pdf = o.pdf ?? (await documentPdf({ numberNotation: o.numberNotation }));
  return new MailComposer({
    from: o.from,
    to: o.to,
    subject: o.subject ?? `Công văn số ${o.numberNotation}`,
    messageId: o.messageId,
    date: new Date('2026-11-20T02:00:00Z'),
    text: 'Kính gửi văn thư,\nXin gửi văn bản đính kèm.',
    headers: o.headers,
    attachments: [{ filename: `${o.numberNotation.replace(/\W+/gu, '-')}.pdf`, content: pdf, contentType: 'application/pdf' }],
  })
    .compile()
    .build();
}
