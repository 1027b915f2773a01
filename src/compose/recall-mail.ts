import type { HostedAgency } from '../config/schema.js';
import type { OutboxInput } from '../db/outbox.js';
import type { OutgoingDocumentRow, OutgoingRecipientRow } from '../db/outgoing.js';
import { URGENCY_PRIORITY, type Urgency } from '../domain/document/urgency.js';
import { statusSubject } from './subject.js';
import { isoToDisplay, vnDateTimeDisplay } from '../domain/vn-time.js';
import { ENVELOPE_FILENAME, STATUS_CODES, STATUS_FILENAME } from '../edxml/codes.js';
import { buildEnvelope } from '../edxml/envelope.js';
import { buildStatus } from '../edxml/status.js';
import { sha256Hex } from '../mail/parse.js';
import { envelopeIdentity } from './document-mail.js';
import { recallMessageId } from './ids.js';
import { render } from './templates.js';
import type { IdOrigin } from './ids.js';

/** A mail ready to queue: its attachment files go to the blob store first, then the outbox row. */
export type ComposedMail = { files: Buffer[]; mail: OutboxInput };

/**
 * The recall request to one recipient (thu hồi, NĐ 30 Art. 18.4; status 13, docs/status-codes.md):
 * `trangthai.edxml` with code 13 and ResponseFor = our document, the same request as an edXML
 * revoke envelope (BussinessDocType 1) for peers that speak the envelope, In-Reply-To / References
 * = the document mail, at least "thượng khẩn" priority.
 */
export async function recallMail(agency: HostedAgency, doc: OutgoingDocumentRow, r: OutgoingRecipientRow, reason: string, origin: IdOrigin, now: Date): Promise<ComposedMail> {
  const status = Buffer.from(
    buildStatus({
      responseFor: responseForDocument(agency, doc),
      from: { organId: agency.code, organName: agency.name, email: agency.email },
      statusCode: '13',
      description: reason,
      timestamp: now.toISOString(),
      staff: { department: 'Văn thư', email: agency.email },
    }),
    'utf8',
  );
  const revoke = Buffer.from(
    buildEnvelope({
      ...envelopeIdentity(agency, doc),
      to: [{ organId: r.agency_code ?? '', organName: r.name ?? r.address, email: r.address }],
      responseFor: responseForDocument(agency, doc),
      traces: [{ organId: agency.code, timestamp: now.toISOString() }],
      business: { docType: 1, reason, staff: { department: 'Văn thư', email: agency.email } },
      attachments: [],
    }),
    'utf8',
  );
  const body = await render('recall', {
    recipientName: r.name ?? r.address,
    agencyName: agency.name,
    agencyEmail: agency.email,
    numberNotation: doc.number_notation,
    documentDate: isoToDisplay(doc.doc_date),
    summary: doc.summary,
    reason,
    timestamp: vnDateTimeDisplay(now) + ' (giờ Việt Nam)',
  });
  return {
    files: [status, revoke],
    mail: {
      agencyCode: agency.code,
      kind: 'recall',
      dedupeKey: `recall:${doc.id}:${r.id}:1`,
      messageId: recallMessageId(doc, r, origin),
      to: r.address,
      subject: statusSubject({ code: '13', label: STATUS_CODES['13'].label, numberNotation: doc.number_notation }),
      message: {
        from: { name: agency.name, address: agency.email },
        text: body.text,
        html: body.html,
        headers: { 'X-Edoc-Status': '13' },
        inReplyTo: r.message_id,
        references: [r.message_id],
        attachments: [
          { filename: STATUS_FILENAME, contentType: 'application/xml', sha256: sha256Hex(status) },
          { filename: ENVELOPE_FILENAME, contentType: 'application/xml', sha256: sha256Hex(revoke) },
        ],
      },
      priority: Math.max(2, URGENCY_PRIORITY[doc.urgency as Urgency] ?? 0),
    },
  };
}

/** ResponseFor naming one of our documents. */
function responseForDocument(agency: HostedAgency, doc: OutgoingDocumentRow) {
  return { organId: agency.code, code: doc.number_notation, promulgationDate: doc.doc_date, documentId: doc.document_id };
}
