import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { findOutgoingDocument, getOutgoingDocument, patchRecipient, recipientsOf, type OutgoingDocumentRow, type OutgoingRecipientRow } from '../db/outgoing.js';
import type { HostedAgency } from '../config/schema.js';
import { applyEvent } from '../domain/outgoing/recipient-state.js';
import { statusSubject } from '../domain/outgoing/subject.js';
import { URGENCY_PRIORITY, type Urgency } from '../domain/document/urgency.js';
import { isoToDisplay, vnDateTimeDisplay } from '../domain/vn-time.js';
import { ENVELOPE_FILENAME, STATUS_CODES, STATUS_FILENAME } from '../edxml/codes.js';
import { buildEnvelope } from '../edxml/envelope.js';
import { buildStatus } from '../edxml/status.js';
import { BridgeError } from '../errors.js';
import { inTransaction } from '../inbound/commit.js';
import { applyToRecipient } from '../reconcile/apply.js';
import { envelopeIdentity } from './compose-document.js';
import type { OutgoingDeps } from './deps.js';
import { recallMessageId } from './document-ids.js';
import { hostedAgency } from './submit.js';
import { render } from './templates.js';

export type RecallResult = { documentId: number; numberNotation: string; requested: Array<{ recipientId: number; address: string; messageId: string }>; skipped: Array<{ recipientId: number; address: string; status: string }> };

/**
 * Recall an outgoing document (thu hồi, NĐ 30 Art. 18.4; status 13 of docs/status-codes.md §Recall):
 *   1. freeze    the document's state → recalled (compare-and-set), reason and time kept
 *   2. per recipient that has the document (sent and not closed): event recall-sent
 *                (→ recall-requested) and a recall mail in the outbox: status 13 `trangthai.edxml`
 *                with ResponseFor = our document, In-Reply-To / References = the document mail
 *   3. answers   each recipient's 15 / 16 is matched by reconciliation (In-Reply-To = recall mail)
 * Recipients that never got it (queued, bounced, refused, expired) are skipped and listed.
 */
export async function recallDocument(deps: OutgoingDeps, ref: string, reason: string, opts: { agencyCode?: string } = {}): Promise<RecallResult> {
  const found = await findOutgoingDocument(deps.db, ref, opts.agencyCode);
  if (!found) throw new BridgeError('NOT_FOUND', `no outgoing document ${ref}`);
  if (!reason.trim()) throw new BridgeError('USAGE', 'a recall needs a reason (--reason)');
  const agency = hostedAgency(deps, found.agency_code);
  const now = deps.clock.now();
  const result: RecallResult = { documentId: found.id, numberNotation: found.number_notation, requested: [], skipped: [] };
  await inTransaction(deps.db, async trx => {
    const n = await trx('outgoing_documents').where({ id: found.id }).whereNot({ state: 'recalled' }).update({ state: 'recalled', recall_reason: reason.normalize('NFC'), recalled_at: now.toISOString() });
    if (n !== 1) throw new BridgeError('STATUS_CONFLICT', `document ${found.number_notation} is already recalled`);
    await appendEvent(trx, now, { event: 'RECALL_SENT', agencyCode: agency.code, refType: 'outgoing', refId: found.id, data: { reason } });
  });
  const doc = (await getOutgoingDocument(deps.db, found.id))!;
  for (const r of await recipientsOf(deps.db, doc.id)) {
    if (applyEvent({ status: r.status, progress: r.progress }, { type: 'recall-sent' }).effect !== 'moved') {
      result.skipped.push({ recipientId: r.id, address: r.address, status: r.status });
      continue;
    }
    const messageId = recallMessageId(doc, r, deps.config.instance.domain);
    const xml = buildStatus({
      responseFor: { organId: agency.code, code: doc.number_notation, promulgationDate: doc.doc_date, documentId: doc.document_id },
      from: { organId: agency.code, organName: agency.name, email: agency.email },
      statusCode: '13',
      description: reason,
      timestamp: now.toISOString(),
      staff: { department: 'Văn thư', email: agency.email },
    });
    const edxml = await deps.blobs.put(Buffer.from(xml, 'utf8'));
    // The same request as an edXML revoke (BussinessDocType 1, docs/edxml.md §Business document types), for peers that speak
    // the envelope rather than the status packet.
    const revoke = await deps.blobs.put(Buffer.from(revokeEnvelope(agency, doc, r, reason, now), 'utf8'));
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
    await inTransaction(deps.db, async trx => {
      await enqueue(
        trx,
        {
          agencyCode: agency.code,
          kind: 'recall',
          dedupeKey: `recall:${doc.id}:${r.id}:1`,
          messageId,
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
              { filename: STATUS_FILENAME, contentType: 'application/xml', sha256: edxml.sha256 },
              { filename: ENVELOPE_FILENAME, contentType: 'application/xml', sha256: revoke.sha256 },
            ],
          },
          priority: Math.max(2, URGENCY_PRIORITY[doc.urgency as Urgency] ?? 0),
        },
        now,
      );
      const outbox: { id: number } = await trx('outbox').where({ dedupe_key: `recall:${doc.id}:${r.id}:1` }).first('id');
      await patchRecipient(trx, r.id, { recall_message_id: messageId, recall_outbox_id: outbox.id });
    });
    await applyToRecipient(deps.db, r.id, { type: 'recall-sent' }, { reportId: null, method: 'clerk', guess: false, label: 'recall:13', code: '13', note: reason, sha256: null, agencyCode: agency.code }, now);
    result.requested.push({ recipientId: r.id, address: r.address, messageId });
  }
  deps.log.info('RECALL_SENT', { agency: agency.code, document: doc.id, numberNotation: doc.number_notation, requested: result.requested.length, skipped: result.skipped.length });
  return result;
}

/** `vanban.edxml` revoking the document (BussinessDocType 1) for one recipient; no files. */
function revokeEnvelope(agency: HostedAgency, doc: OutgoingDocumentRow, r: OutgoingRecipientRow, reason: string, now: Date): string {
  return buildEnvelope({
    ...envelopeIdentity(agency, doc),
    to: [{ organId: r.agency_code ?? '', organName: r.name ?? r.address, email: r.address }],
    responseFor: { organId: agency.code, code: doc.number_notation, promulgationDate: doc.doc_date, documentId: doc.document_id },
    traces: [{ organId: agency.code, timestamp: now.toISOString() }],
    business: { docType: 1, reason, staff: { department: 'Văn thư', email: agency.email } },
    attachments: [],
  });
}
