import { documentEnvelope, documentMail } from '../compose/document-mail.js';
import { documentMessageId, envidFor, idOrigin } from '../compose/ids.js';
import { loadTemplate } from '../compose/templates.js';
import { calendarFor } from '../config/policies.js';
import { appendEvent } from '../db/events.js';
import { recordTransition } from '../db/history.js';
import { enqueue } from '../db/outbox.js';
import { getOutgoingDocument, insertRecipient, markSealed, patchRecipient, recipientsOf, sealingSince, type OutgoingDocumentRow, type OutgoingFile, type SubmittedTo } from '../db/outgoing.js';
import { inTransaction } from '../db/transaction.js';
import { receiptDeadline } from '../domain/calendar/index.js';
import { INITIAL_RECIPIENT_STATE } from '../domain/outgoing/recipient-state.js';
import { BridgeError, describeError } from '../errors.js';
import type { AgencyKey } from '../signature/index.js';
import type { Deps } from '../ports.js';
import type { Sealer } from './seal-document.js';

/** What submitting needs besides the database and the ports: the sealer (app.ts builds it). */
export type SubmitDeps = Deps & { sealer: Sealer };

export type SubmitResult = {
  documentId: number;
  numberNotation: string;
  year: number;
  number: number;
  sealed: boolean;
  recipients: Array<{ id: number; address: string; agencyCode: string | null; messageId: string }>;
};

/** A document left in `sealing` this long is taken to be abandoned by a crashed worker. */
export const SEALING_GRACE_MS = 10 * 60 * 1000;

/**
 * Finish a numbered document (state `sealing`): stamp and seal each original (outside any
 * transaction), store the sealed files and the edXML envelope, then in one transaction move the
 * document to `queued` by compare-and-set, write one recipient row and queue one mail each. When
 * another worker finished it first, its result is returned.
 */
export async function finishSubmission(deps: SubmitDeps, ref: number | OutgoingDocumentRow, given?: { key: AgencyKey | null; contents: Buffer[] }): Promise<SubmitResult> {
  const doc = typeof ref === 'number' ? await getOutgoingDocument(deps.db, ref) : ref;
  if (!doc) throw new BridgeError('NOT_FOUND', `no outgoing document ${String(ref)}`);
  const agency = deps.config.agencies.find(a => a.code === doc.agency_code);
  if (!agency) throw new BridgeError('NOT_FOUND', `agency ${doc.agency_code} is not configured`);
  const key = given ? given.key : await deps.sealer.key(agency);
  const originals = JSON.parse(doc.files) as OutgoingFile[];
  const signedAt = new Date(doc.signed_at);
  const files: OutgoingFile[] = [];
  for (const [i, f] of originals.entries()) {
    const content = given?.contents[i] ?? (await deps.ports.blobs.get(f.originalSha256));
    const stamp = { numberNotation: doc.number_notation, date: signedAt, place: agency.place, kind: f.role === 'main' ? ('document' as const) : ('attachment' as const) };
    const sealed = await deps.sealer.seal(content, key, stamp, `${agency.name} ban hành văn bản ${doc.number_notation}`);
    const ref = await deps.ports.blobs.put(sealed.bytes);
    files.push({ ...f, sha256: ref.sha256, size: ref.size, sealed: sealed.sealed });
  }
  const submittedTo = JSON.parse(doc.submitted_to ?? '{"recipients":[]}') as SubmittedTo;
  const envelope = await deps.ports.blobs.put(documentEnvelope(agency, doc, files, submittedTo.recipients, submittedTo.toPlaces));
  const template = await loadTemplate('document');
  const cal = calendarFor(deps.config);
  const now = deps.ports.clock.now();

  const finished = await inTransaction(deps.db, async trx => {
    if (!(await markSealed(trx, doc.id, files))) return false;
    for (const r of submittedTo.recipients) {
      const messageId = documentMessageId(doc, { agency_code: r.agencyCode, address: r.address }, idOrigin(deps.config));
      const envid = envidFor(messageId);
      const deadline = receiptDeadline(new Date(doc.send_deadline), cal, deps.config.instance.officeEnd);
      const recipientId = await insertRecipient(trx, { documentId: doc.id, agencyCode: r.agencyCode, address: r.address, name: r.name, state: INITIAL_RECIPIENT_STATE, messageId, envid, deadline }, now);
      const outbox = await enqueue(trx, documentMail(template, agency, doc, files, envelope.sha256, { recipient: r, recipientId, messageId, envid }), now);
      await patchRecipient(trx, recipientId, { outbox_id: outbox.id });
      await recordTransition(trx, { subject: 'recipient', id: recipientId, from: null, to: 'queued', note: `${doc.number_notation} → ${r.address}` }, now);
    }
    await appendEvent(trx, now, { event: 'SUBMIT_REGISTERED', agencyCode: agency.code, refType: 'outgoing', refId: doc.id, data: { year: doc.year, number: doc.number, numberNotation: doc.number_notation, recipients: submittedTo.recipients.length, source: doc.source } });
    return true;
  });
  const result = await submitResult(deps, (await getOutgoingDocument(deps.db, doc.id))!);
  if (finished) {
    deps.ports.log.info('SUBMIT_REGISTERED', { agency: agency.code, document: doc.id, numberNotation: doc.number_notation, recipients: result.recipients.length, sealed: result.sealed, source: doc.source });
    deps.ports.failpoint('after-submit');
  }
  return result;
}

/** The result of a submission as its rows now stand (an earlier one, found by its key). */
export async function submitResult(deps: Pick<Deps, 'db'>, doc: OutgoingDocumentRow): Promise<SubmitResult> {
  const recipients = await recipientsOf(deps.db, doc.id);
  return {
    documentId: doc.id,
    numberNotation: doc.number_notation,
    year: doc.year,
    number: doc.number,
    sealed: !!doc.sealed,
    recipients: recipients.map(r => ({ id: r.id, address: r.address, agencyCode: r.agency_code, messageId: r.message_id })),
  };
}

/**
 * Finish the documents a crash left in `sealing` (numbered, not queued): part of every cycle, so
 * the number series stays gapless. One that fails again is logged and tried next cycle.
 */
export async function resumeSubmissions(deps: SubmitDeps): Promise<{ finished: number; failed: number }> {
  const out = { finished: 0, failed: 0 };
  const before = new Date(deps.ports.clock.now().getTime() - SEALING_GRACE_MS);
  for (const doc of await sealingSince(deps.db, before)) {
    try {
      await finishSubmission(deps, doc);
      out.finished++;
    } catch (err) {
      out.failed++;
      deps.ports.log.error('JOB_FAILED', { job: 'resume-submission', document: doc.id, error: describeError(err) });
    }
  }
  return out;
}
