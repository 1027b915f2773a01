import type { HostedAgency } from '../config/schema.js';
import type { OutboxInput } from '../db/outbox.js';
import type { EntryRow } from '../db/register.js';
import { URGENCY_PRIORITY, type Urgency } from '../domain/document/urgency.js';
import { statusSubject } from './subject.js';
import { isoToDisplay, vnDateTimeDisplay, vnYear } from '../domain/vn-time.js';
import { STATUS_CODES, STATUS_FILENAME, type StatusCode } from '../edxml/codes.js';
import { buildStatus } from '../edxml/status.js';
import type { ResponseFor } from '../edxml/types.js';
import { sha256Hex } from '../mail/parse.js';
import { statusMessageId } from './ids.js';
import { loadTemplate } from './templates.js';
import type { IdOrigin } from './ids.js';

/** What a status answer refers to: the document as the issuer knows it, and the mail it came in. */
export type AnswerSubject = {
  agency: HostedAgency;
  /** Our Message-ID origin (domain and installation id). */
  origin: IdOrigin;
  to: { address: string; name: string };
  receivedMailId: number;
  /** The issuer's Message-ID: our answer's In-Reply-To and References (docs/mail.md). */
  documentMessageId: string | null;
  mailSubject: string;
  numberNotation: string | null;
  documentDate: string | null;
  summary: string | null;
  responseFor: ResponseFor;
  urgency: string;
};

/** The register entry an answer reports (its arrival number goes into the text). */
export type AnsweredEntry = { id: number; arrivalNumber: number; arrivalAt: Date };

/**
 * The answer subject for a later status about a registered entry (the clerk's 04/05/06, a 15 to
 * a recall): everything the issuer knows the document by comes from the entry itself.
 */
export function entryAnswerSubject(
  agency: HostedAgency,
  origin: IdOrigin,
  entry: EntryRow,
  mail: { to: string; receivedMailId: number; documentMessageId: string | null; subject: string },
): AnswerSubject {
  return {
    agency,
    origin,
    to: { address: mail.to, name: entry.issuer_name ?? '' },
    receivedMailId: mail.receivedMailId,
    documentMessageId: mail.documentMessageId,
    mailSubject: mail.subject,
    numberNotation: entry.number_notation,
    documentDate: entry.doc_date,
    summary: entry.summary,
    responseFor: { organId: entry.issuer_code ?? undefined, code: entry.number_notation ?? undefined, promulgationDate: entry.doc_date ?? undefined, documentId: entry.document_id ?? undefined },
    urgency: entry.urgency,
  };
}

/** The entry of an EntryRow as an answer names it. */
export function answeredEntry(entry: EntryRow): AnsweredEntry {
  return { id: entry.id, arrivalNumber: entry.arrival_number, arrivalAt: new Date(entry.arrival_at) };
}

/**
 * A status answer ready to queue. Composed in two steps so the caller's transaction does database
 * work only: `files` (the `trangthai.edxml`) go to the blob store before it, and `mail(entry)` (a
 * pure fill of the loaded template) is called inside it, once the arrival number is known.
 */
export type PreparedAnswer = { files: Buffer[]; mail(entry?: AnsweredEntry): OutboxInput };

/**
 * A status mail (01/02/03…): Vietnamese text + HTML from templates/, `trangthai.edxml` (QCVN
 * 102:2016 Status), Auto-Submitted: auto-replied (RFC 3834). Its dedupe key (code, received mail)
 * makes a second answer to the same mail impossible; its Message-ID is derived from the same, so a
 * resend reuses it. Urgent documents are answered first (outbox priority by urgency).
 */
export async function prepareStatusAnswer(s: AnswerSubject, code: StatusCode, now: Date, opts: { reason?: string; note?: string } = {}): Promise<PreparedAnswer> {
  const label = STATUS_CODES[code].label;
  const numberNotation = s.numberNotation ?? '(chưa rõ số, ký hiệu)';
  const xml = Buffer.from(
    buildStatus({
      responseFor: s.responseFor,
      from: { organId: s.agency.code, organName: s.agency.name, email: s.agency.email },
      statusCode: code,
      description: opts.reason ?? opts.note ?? label,
      timestamp: now.toISOString(),
      staff: { department: 'Văn thư', email: s.agency.email },
    }),
    'utf8',
  );
  const template = await loadTemplate(code === '02' ? 'refusal' : 'status');
  const mail = (entry?: AnsweredEntry): OutboxInput => {
    const body = template.fill({
      recipientName: s.to.name || s.to.address,
      agencyName: s.agency.name,
      agencyEmail: s.agency.email,
      numberNotation,
      documentDate: s.documentDate ? isoToDisplay(s.documentDate) : '',
      summary: s.summary ?? '',
      statusCode: code,
      statusLabel: label,
      timestamp: vnDateTimeDisplay(now) + ' (giờ Việt Nam)',
      arrivalNumber: entry ? String(entry.arrivalNumber) : '',
      year: entry ? String(vnYear(entry.arrivalAt)) : '',
      note: opts.note ?? '',
      reason: opts.reason ?? '',
      mailSubject: s.mailSubject,
    });
    return {
      agencyCode: s.agency.code,
      kind: code === '02' ? 'refusal' : 'receipt',
      dedupeKey: `status:${code}:mail:${s.receivedMailId}`,
      messageId: statusMessageId(code, s.receivedMailId, s.agency.code, s.origin),
      to: s.to.address,
      subject: statusSubject({ code, label, numberNotation }),
      message: {
        from: { name: s.agency.name, address: s.agency.email },
        text: body.text,
        html: body.html,
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-Edoc-Status': code },
        inReplyTo: s.documentMessageId ?? undefined,
        references: s.documentMessageId ? [s.documentMessageId] : [],
        attachments: [{ filename: STATUS_FILENAME, contentType: 'application/xml', sha256: sha256Hex(xml) }],
      },
      priority: URGENCY_PRIORITY[s.urgency as Urgency] ?? 0,
      entryId: entry?.id ?? null,
      receivedMailId: s.receivedMailId,
    };
  };
  return { files: [xml], mail };
}
