import type { HostedAgency } from '../config/schema.js';
import type { OutboxInput } from '../db/outbox.js';
import type { OutgoingDocumentRow, OutgoingFile } from '../db/outgoing.js';
import { URGENCY_LABEL, URGENCY_PRIORITY, type Urgency } from '../domain/document/urgency.js';
import { documentSubject } from './subject.js';
import { isoToDisplay } from '../domain/vn-time.js';
import { ENVELOPE_FILENAME } from '../edxml/codes.js';
import { buildEnvelope } from '../edxml/envelope.js';
import type { Template } from './templates.js';

/** A recipient as a document mail names it. */
export type DocumentRecipient = { agencyCode: string | null; name: string | null; address: string };

/**
 * The document mail (docs/mail.md §Document mail): subject `[KHẨN] [VBĐT] <số ký hiệu> ngày <dd/mm/yyyy>: <trích yếu>`,
 * Vietnamese text + HTML from templates/document.*, the sealed PDFs, and `vanban.edxml` whose
 * manifest lists every file with its SHA-256. DSN (RFC 3461 NOTIFY=SUCCESS,FAILURE,DELAY + ENVID)
 * and an MDN (RFC 8098 Disposition-Notification-To) are requested on every document mail.
 */

/** What identifies an outgoing document in every envelope about it (the document itself, a revoke). */
export function envelopeIdentity(agency: HostedAgency, doc: OutgoingDocumentRow) {
  return {
    from: { organId: agency.code, organName: agency.name, email: agency.email },
    codeNumber: String(doc.number),
    codeNotation: doc.notation,
    place: agency.place,
    promulgationDate: doc.doc_date,
    typeName: doc.doc_type,
    subject: doc.summary,
    documentId: doc.document_id,
  };
}

/** The edXML envelope `vanban.edxml` of a document (the same for every recipient; it lists them all). */
export function documentEnvelope(agency: HostedAgency, doc: OutgoingDocumentRow, files: OutgoingFile[], recipients: DocumentRecipient[], toPlaces?: string[]): Buffer {
  const xml = buildEnvelope({
    ...envelopeIdentity(agency, doc),
    to: recipients.map(r => ({ organId: r.agencyCode ?? '', organName: r.name ?? r.address, email: r.address })),
    signer: { position: doc.signer_position ?? undefined, fullName: doc.signer_name ?? undefined },
    dueDate: doc.due_date ?? undefined,
    toPlaces: toPlaces ?? recipients.map(r => r.name ?? r.address),
    priority: URGENCY_PRIORITY[doc.urgency as Urgency] ?? 0,
    appendixes: files.filter(f => f.role === 'annex').map(f => f.name),
    traces: [{ organId: agency.code, timestamp: doc.signed_at }],
    business: { docType: 0, staff: { department: 'Văn thư', email: agency.email } },
    attachments: files.map(f => ({ name: f.name, contentType: 'application/pdf', sha256: f.sha256, size: f.size })),
  });
  return Buffer.from(xml, 'utf8');
}

/** The outbox row of the document mail to one recipient (pure: `template` is templates/document, loaded already). */
export function documentMail(
  template: Template,
  agency: HostedAgency,
  doc: OutgoingDocumentRow,
  files: OutgoingFile[],
  envelopeSha256: string,
  r: { recipient: DocumentRecipient; recipientId: number; messageId: string; envid: string },
): OutboxInput {
  const urgency = doc.urgency as Urgency;
  const body = template.fill({
    recipientName: r.recipient.name ?? r.recipient.address,
    agencyName: agency.name,
    agencyEmail: agency.email,
    numberNotation: doc.number_notation,
    documentDate: isoToDisplay(doc.doc_date),
    docType: doc.doc_type,
    summary: doc.summary,
    urgencyLabel: urgency === 'normal' ? '' : (URGENCY_LABEL[urgency] ?? ''),
    signer: [doc.signer_position, doc.signer_name].filter(Boolean).join(' '),
    dueDate: doc.due_date ? isoToDisplay(doc.due_date) : '',
    fileList: files.map(f => f.name).join(', '),
  });
  return {
    agencyCode: agency.code,
    kind: 'document',
    dedupeKey: `document:${doc.id}:${r.recipientId}`,
    messageId: r.messageId,
    to: r.recipient.address,
    subject: documentSubject({ numberNotation: doc.number_notation, date: doc.doc_date, summary: doc.summary, urgency }),
    message: {
      from: { name: agency.name, address: agency.email },
      text: body.text,
      html: body.html,
      headers: { 'X-Edoc-Document': doc.document_id },
      attachments: [
        ...files.map((f, i) => ({ filename: f.name, contentType: 'application/pdf', sha256: f.sha256, description: fileTitle(doc.doc_type, doc.number_notation, f.role, files.slice(0, i + 1).filter(x => x.role === 'annex').length) })),
        { filename: ENVELOPE_FILENAME, contentType: 'application/xml', sha256: envelopeSha256 },
      ],
      dsn: { envid: r.envid, notify: ['SUCCESS', 'FAILURE', 'DELAY'] },
      requestReadReceipt: true,
    },
    priority: URGENCY_PRIORITY[urgency] ?? 0,
  };
}

/**
 * The Vietnamese display name of a sealed file, sent as its Content-Description (RFC 2045 §8)
 * beside the ASCII file name: 'Quyết định số 05/QĐ-SYT', 'Phụ lục 1 – Quyết định số 05/QĐ-SYT'.
 */
export function fileTitle(docType: string, numberNotation: string, role: 'main' | 'annex', annexIndex: number): string {
  const main = `${docType.normalize('NFC')} số ${numberNotation.normalize('NFC')}`;
  return role === 'main' ? main : `Phụ lục ${annexIndex} – ${main}`;
}
