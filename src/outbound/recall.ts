import { recallMail } from '../compose/recall-mail.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { findOutgoingDocument, getOutgoingDocument, markRecalled, patchRecipient, recipientsOf } from '../db/outgoing.js';
import { applyToRecipient } from '../db/recipient-events.js';
import { inTransaction } from '../db/transaction.js';
import { applyEvent } from '../domain/outgoing/recipient-state.js';
import { BridgeError } from '../errors.js';
import type { Deps } from '../ports.js';
import { hostedAgency } from './submit.js';
import { idOrigin } from '../compose/ids.js';

export type RecallResult = { documentId: number; numberNotation: string; requested: Array<{ recipientId: number; address: string; messageId: string }>; skipped: Array<{ recipientId: number; address: string; status: string }> };

/**
 * Recall an outgoing document (thu hồi, NĐ 30 Art. 18.4; status 13 of docs/status-codes.md §Recall):
 *   1. freeze    the document's state → recalled (compare-and-set), reason and time kept
 *   2. per recipient that has the document (sent and not closed): a recall mail in the outbox
 *                (compose/recall-mail.ts) and the event recall-sent (→ recall-requested)
 *   3. answers   each recipient's 15 / 16 is matched by reconciliation (In-Reply-To = recall mail)
 * Recipients that never got it (queued, bounced, refused, expired) are skipped and listed.
 */
export async function recallDocument(deps: Deps, ref: string, reason: string, opts: { agencyCode?: string } = {}): Promise<RecallResult> {
  const found = await findOutgoingDocument(deps.db, ref, opts.agencyCode);
  if (!found) throw new BridgeError('NOT_FOUND', `no outgoing document ${ref}`);
  if (!reason.trim()) throw new BridgeError('USAGE', 'a recall needs a reason (--reason)');
  const agency = hostedAgency(deps, found.agency_code);
  const now = deps.ports.clock.now();
  const result: RecallResult = { documentId: found.id, numberNotation: found.number_notation, requested: [], skipped: [] };
  await inTransaction(deps.db, async trx => {
    if (!(await markRecalled(trx, found.id, reason.normalize('NFC'), now))) throw new BridgeError('STATUS_CONFLICT', `document ${found.number_notation} is already recalled`);
    await appendEvent(trx, now, { event: 'RECALL_SENT', agencyCode: agency.code, refType: 'outgoing', refId: found.id, data: { reason } });
  });
  const doc = (await getOutgoingDocument(deps.db, found.id))!;
  for (const r of await recipientsOf(deps.db, doc.id)) {
    if (applyEvent({ status: r.status, progress: r.progress }, { type: 'recall-sent' }).effect !== 'moved') {
      result.skipped.push({ recipientId: r.id, address: r.address, status: r.status });
      continue;
    }
    const { files, mail } = await recallMail(agency, doc, r, reason, idOrigin(deps.config), now);
    await deps.ports.blobs.putAll(files);
    await inTransaction(deps.db, async trx => {
      const outbox = await enqueue(trx, mail, now);
      await patchRecipient(trx, r.id, { recall_message_id: mail.messageId, recall_outbox_id: outbox.id });
    });
    await applyToRecipient(deps.db, r.id, { type: 'recall-sent' }, { reportId: null, method: 'clerk', guess: false, label: 'recall:13', code: '13', note: reason, sha256: null, agencyCode: agency.code }, now);
    result.requested.push({ recipientId: r.id, address: r.address, messageId: mail.messageId });
  }
  deps.ports.log.info('RECALL_SENT', { agency: agency.code, document: doc.id, numberNotation: doc.number_notation, requested: result.requested.length, skipped: result.skipped.length });
  return result;
}
