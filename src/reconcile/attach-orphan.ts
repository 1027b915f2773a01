import { appendEvent } from '../db/events.js';
import { getRecipient, getOutgoingDocument } from '../db/outgoing.js';
import { markOrphanAttached } from '../db/orphans.js';
import { appendReconcileLog } from '../db/reconcile.js';
import { applyToRecipient } from '../db/recipient-events.js';
import { reportById } from '../db/web-queries.js';
import type { EventEffect } from '../domain/outgoing/recipient-state.js';
import { BridgeError } from '../errors.js';
import { parseMail } from '../mail/parse.js';
import type { Deps } from '../ports.js';
import { observeReport } from './observe.js';
import { eventsFor } from './outgoing-report.js';

/**
 * The operator's answer to an orphan (a report that matched nothing, docs/status-codes.md): "this
 * is about document X, recipient Y". The report's raw mail is observed again and its events are
 * applied to that recipient exactly as an automatic match would (the state machine still decides;
 * nothing moves backwards), logged with method `manual` and the actor. The recipient must be of
 * a document of the agency whose mailbox received the report.
 */
export async function attachOrphan(deps: Deps, reportId: number, recipientId: number, actor: string): Promise<{ effects: EventEffect[]; documentId: number }> {
  const report = await reportById(deps.db, reportId);
  if (!report || report.state !== 'orphan') throw new BridgeError(report ? 'STATUS_CONFLICT' : 'NOT_FOUND', report ? `report ${reportId} is ${report.state}, not an orphan` : `no report ${reportId}`);
  const recipient = await getRecipient(deps.db, recipientId).catch(() => undefined);
  const doc = recipient ? await getOutgoingDocument(deps.db, recipient.document_id) : undefined;
  if (!recipient || !doc || doc.agency_code !== report.agency_code) throw new BridgeError('NOT_FOUND', `no recipient ${recipientId} of ${report.agency_code}`);
  const obs = observeReport(report.kind, await parseMail(await deps.ports.blobs.get(report.raw_sha256)));
  const now = deps.ports.clock.now();
  if (!(await markOrphanAttached(deps.db, reportId, now))) throw new BridgeError('STATUS_CONFLICT', `report ${reportId} was attached concurrently`);
  const effects: EventEffect[] = [];
  const events = eventsFor(obs.observed, recipient.address);
  if (events.length === 0) {
    await appendReconcileLog(deps.db, now, { reportId, agencyCode: report.agency_code, documentId: doc.id, recipientId, method: 'manual', event: obs.summary, effect: 'noted', fromStatus: recipient.status, toStatus: recipient.status, detail: `${report.subject ?? ''} (${actor})`, evidenceSha256: report.raw_sha256 });
  }
  for (const o of events) {
    const applied = await applyToRecipient(deps.db, recipientId, o.event, { reportId, method: 'manual', guess: false, label: o.label, code: o.code, note: o.note, sha256: report.raw_sha256, agencyCode: report.agency_code }, deps.ports.clock.now());
    effects.push(applied.effect);
  }
  await appendEvent(deps.db, now, { event: 'ORPHAN_ATTACHED', agencyCode: report.agency_code, refType: 'outgoing', refId: doc.id, data: { report: reportId, recipient: recipientId, effects, actor } });
  deps.ports.log.info('ORPHAN_ATTACHED', { report: reportId, recipient: recipientId, document: doc.id, effects, actor });
  return { effects, documentId: doc.id };
}
