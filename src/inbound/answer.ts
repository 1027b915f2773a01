import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { enqueue } from '../db/outbox.js';
import { vnDateTimeDisplay, isoToDisplay, vnYear } from '../domain/vn-time.js';
import { messageIdFor, statusSubject } from '../domain/outgoing/subject.js';
import { STATUS_CODES, STATUS_FILENAME, type StatusCode } from '../edxml/codes.js';
import { buildStatus } from '../edxml/status.js';
import type { ResponseFor } from '../edxml/types.js';
import type { EntryRow } from '../db/register.js';
import { render } from '../outbound/templates.js';
import type { BlobStore } from '../store/blob-store.js';

/** What a status answer refers to: the document as the issuer knows it, and the mail it came in. */
export type AnswerSubject = {
  agency: HostedAgency;
  domain: string;
  to: { address: string; name: string };
  receivedMailId: number;
  /** The issuer's Message-ID: our answer's In-Reply-To and References (docs/mail.md §Status mail). */
  documentMessageId: string | null;
  mailSubject: string;
  numberNotation: string | null;
  documentDate: string | null;
  summary: string | null;
  responseFor: ResponseFor;
  urgency: string;
  entry?: { id: number; arrivalNumber: number; arrivalAt: Date };
};

/**
 * The answer subject for a later status about a registered entry (the clerk's 04/05/06, a 15 to
 * a recall): everything the issuer knows the document by comes from the entry itself.
 */
export function entryAnswerSubject(
  agency: HostedAgency,
  domain: string,
  entry: EntryRow,
  mail: { to: string; receivedMailId: number; documentMessageId: string | null; subject: string },
): AnswerSubject {
  return {
    agency,
    domain,
    to: { address: mail.to, name: entry.issuer_name ?? '' },
    receivedMailId: mail.receivedMailId,
    documentMessageId: mail.documentMessageId,
    mailSubject: mail.subject,
    numberNotation: entry.number_notation,
    documentDate: entry.doc_date,
    summary: entry.summary,
    responseFor: { organId: entry.issuer_code ?? undefined, code: entry.number_notation ?? undefined, promulgationDate: entry.doc_date ?? undefined, documentId: entry.document_id ?? undefined },
    urgency: entry.urgency,
    entry: { id: entry.id, arrivalNumber: entry.arrival_number, arrivalAt: new Date(entry.arrival_at) },
  };
}

/** Urgent documents are answered first (docs/status-codes.md §Answers to incoming documents); outbox priority by urgency. */
const PRIORITY: Record<string, number> = { normal: 0, khan: 1, 'thuong-khan': 2, 'hoa-toc': 3 };

/** Our Message-ID for a status answer: derived from (received mail, agency, code), so a resend reuses it. */
export function statusMessageId(code: StatusCode, receivedMailId: number, agencyCode: string, domain: string): string {
  return messageIdFor('status', { docId: `m${receivedMailId}`, recipient: agencyCode, code }, domain);
}

/**
 * Queue a status mail (01/02/03…) in the caller's transaction: Vietnamese text + HTML from
 * templates/, `trangthai.edxml` (QCVN 102:2016 Status), Auto-Submitted: auto-replied (RFC 3834).
 * The dedupe key (code, received mail) makes a second answer to the same mail impossible.
 */
export async function queueStatusAnswer(
  trx: Db,
  blobs: BlobStore,
  s: AnswerSubject,
  code: StatusCode,
  now: Date,
  opts: { reason?: string; note?: string } = {},
): Promise<boolean> {
  const label = STATUS_CODES[code].label;
  const numberNotation = s.numberNotation ?? '(chưa rõ số, ký hiệu)';
  const xml = buildStatus({
    responseFor: s.responseFor,
    from: { organId: s.agency.code, organName: s.agency.name, email: s.agency.email },
    statusCode: code,
    description: opts.reason ?? opts.note ?? label,
    timestamp: now.toISOString(),
    staff: { department: 'Văn thư', email: s.agency.email },
  });
  // Synced with the store before the cycle moves the mail (pipeline.ts); no fsync of its own.
  const edxml = await blobs.put(Buffer.from(xml, 'utf8'), { durable: false });
  const params = {
    recipientName: s.to.name || s.to.address,
    agencyName: s.agency.name,
    agencyEmail: s.agency.email,
    numberNotation,
    documentDate: s.documentDate ? isoToDisplay(s.documentDate) : '',
    summary: s.summary ?? '',
    statusCode: code,
    statusLabel: label,
    timestamp: vnDateTimeDisplay(now) + ' (giờ Việt Nam)',
    arrivalNumber: s.entry ? String(s.entry.arrivalNumber) : '',
    year: s.entry ? String(vnYear(s.entry.arrivalAt)) : '',
    note: opts.note ?? '',
    reason: opts.reason ?? '',
    mailSubject: s.mailSubject,
  };
  const body = await render(code === '02' ? 'refusal' : 'status', params);
  const references = s.documentMessageId ? [s.documentMessageId] : [];
  return enqueue(
    trx,
    {
      agencyCode: s.agency.code,
      kind: code === '02' ? 'refusal' : 'receipt',
      dedupeKey: `status:${code}:mail:${s.receivedMailId}`,
      messageId: statusMessageId(code, s.receivedMailId, s.agency.code, s.domain),
      to: s.to.address,
      subject: statusSubject({ code, label, numberNotation }),
      message: {
        from: { name: s.agency.name, address: s.agency.email },
        text: body.text,
        html: body.html,
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-Edoc-Status': code },
        inReplyTo: s.documentMessageId ?? undefined,
        references,
        attachments: [{ filename: STATUS_FILENAME, contentType: 'application/xml', sha256: edxml.sha256 }],
      },
      priority: PRIORITY[s.urgency] ?? 0,
      entryId: s.entry?.id ?? null,
      receivedMailId: s.receivedMailId,
    },
    now,
  );
}
