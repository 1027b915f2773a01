import type { HostedAgency } from '../config/schema.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { insertOutgoingDocument, insertRecipient, getOutgoingDocument, patchRecipient, recipientsOf, type OutgoingDocumentRow, type OutgoingFile } from '../db/outgoing.js';
import { nextNumber } from '../db/register.js';
import { processingDueDate, receiptDeadline, sendDeadline, toLocalDate } from '../domain/calendar/index.js';
import { formatNumberNotation } from '../domain/document/number-notation.js';
import { INITIAL_RECIPIENT_STATE } from '../domain/outgoing/recipient-state.js';
import { vnYear } from '../domain/vn-time.js';
import { BridgeError } from '../errors.js';
import { inTransaction } from '../inbound/commit.js';
import { hasPdfMagic } from '../mail/parse.js';
import { calendarFor } from './calendar.js';
import { composeDocumentMail, storeEnvelope } from './compose-document.js';
import type { OutgoingDeps } from './deps.js';
import { documentMessageId, edxmlDocumentId, envidFor } from './document-ids.js';
import { resolveRecipients } from './recipients.js';
import { loadSealKey, sealDocumentFile } from './seal-document.js';
import { notationFor, sealedFileName, type Submission } from './submission.js';

export type SubmitResult = {
  documentId: number;
  numberNotation: string;
  year: number;
  number: number;
  sealed: boolean;
  recipients: Array<{ id: number; address: string; agencyCode: string | null; messageId: string }>;
};

/** Urgent documents go "immediately" (NĐ 30 Art. 18.1); the late-send alert uses this allowance. */
const URGENT_SEND_MINUTES: Readonly<Record<string, number>> = { 'hoa-toc': 15, 'thuong-khan': 30, khan: 60 };

/**
 * Submit an outgoing document (docs/registers.md §Submitting outgoing documents), top to bottom:
 *   1. check      hosted agency, recipients in the directory, every file a PDF
 *   2. key        the agency key when a certificate is configured (before the transaction)
 *   3. number     next number of the outgoing register: per agency per year, gapless (NĐ 30 Art. 15)
 *   4. seal       stamp number and date, then the agency signature (seal-document.ts)
 *   5. register   outgoing_documents + one outgoing_recipients row each (state queued)
 *   6. queue      one document mail per recipient in the outbox, vanban.edxml with SHA-256 manifest
 * Steps 3–6 are one transaction: a failure anywhere gives the number back, nothing is half queued.
 */
export async function submitDocument(deps: OutgoingDeps, s: Submission): Promise<SubmitResult> {
  const agency = hostedAgency(deps, s.agencyCode);
  if (s.submissionKey) {
    const earlier = await submitted(deps, s.submissionKey);
    if (earlier) return earlier;
  }
  const recipients = await resolveRecipients(deps.db, s.to);
  checkFiles(s);
  const key = await loadSealKey(agency);
  const cal = calendarFor(deps.config);
  const now = deps.clock.now();
  const year = vnYear(now);
  const notation = notationFor(s.meta, agency);
  const docDate = toLocalDate(now);

  const result = await inTransaction(deps.db, async trx => {
    const number = await nextNumber(trx, agency.code, 'outgoing', year);
    const numberNotation = formatNumberNotation(number, notation);
    const files: OutgoingFile[] = [];
    let annexes = 0;
    for (const f of s.files) {
      const name = s.nameAfterNumber ? sealedFileName(numberNotation, f.role, f.role === 'annex' ? ++annexes : 0) : f.name;
      const original = await deps.blobs.put(f.content);
      const stamp = { numberNotation, date: now, place: agency.place, kind: f.role === 'main' ? ('document' as const) : ('attachment' as const) };
      const sealed = await sealDocumentFile(f.content, key, stamp, `${agency.name} ban hành văn bản ${numberNotation}`);
      const ref = await deps.blobs.put(sealed.bytes);
      files.push({ name, role: f.role, originalSha256: original.sha256, sha256: ref.sha256, size: ref.size, sealed: sealed.sealed });
    }
    const urgent = URGENT_SEND_MINUTES[s.meta.urgency];
    const deadline = urgent ? new Date(now.getTime() + urgent * 60_000) : sendDeadline(now, cal, deps.config.instance.sendCutoff);
    const dueDate = s.meta.dueDate ?? (s.meta.processingDays ? processingDueDate(now, s.meta.processingDays, cal) : null);
    const documentId = await insertOutgoingDocument(
      trx,
      {
        agency_code: agency.code,
        year,
        number,
        notation,
        number_notation: numberNotation,
        doc_date: docDate,
        doc_type: s.meta.type,
        summary: s.meta.summary,
        signer_position: [s.meta.signer.competence, s.meta.signer.position].filter(Boolean).join(' ') || null,
        signer_name: s.meta.signer.name ?? null,
        urgency: s.meta.urgency,
        due_date: dueDate,
        document_id: edxmlDocumentId(agency.code, docDate, numberNotation),
        state: 'queued',
        source: s.source,
        files,
        sealed: files.some(f => f.sealed),
        signed_at: now.toISOString(),
        send_deadline: deadline.toISOString(),
        submission_key: s.submissionKey ?? null,
      },
      now,
    );
    const doc = (await getOutgoingDocument(trx, documentId))!;
    const envelope = await storeEnvelope(deps.blobs, agency, doc, files, recipients, s.meta.toPlaces);
    const out: SubmitResult['recipients'] = [];
    for (const r of recipients) {
      const messageId = documentMessageId(doc, { agency_code: r.agencyCode, address: r.address }, deps.config.instance.domain);
      const envid = envidFor(messageId);
      const recipientId = await insertRecipient(
        trx,
        { documentId, agencyCode: r.agencyCode, address: r.address, name: r.name, state: INITIAL_RECIPIENT_STATE, messageId, envid, deadline: receiptDeadline(deadline, cal, deps.config.instance.officeEnd) },
        now,
      );
      const mail = await composeDocumentMail(agency, doc, files, envelope, { recipient: r, recipientId, messageId, envid });
      await enqueue(trx, mail, now);
      const outbox: { id: number } = await trx('outbox').where({ dedupe_key: mail.dedupeKey }).first('id');
      await patchRecipient(trx, recipientId, { outbox_id: outbox.id });
      await trx('status_history').insert({ subject_type: 'recipient', subject_id: recipientId, from_state: null, to_state: 'queued', code: null, note: `${numberNotation} → ${r.address}`, evidence_sha256: null, at: now.toISOString() });
      out.push({ id: recipientId, address: r.address, agencyCode: r.agencyCode, messageId });
    }
    await appendEvent(trx, now, { event: 'SUBMIT_REGISTERED', agencyCode: agency.code, refType: 'outgoing', refId: documentId, data: { year, number, numberNotation, recipients: out.length, source: s.source } });
    return { documentId, numberNotation, year, number, sealed: files.some(f => f.sealed), recipients: out };
  });
  deps.log.info('SUBMIT_REGISTERED', { agency: agency.code, document: result.documentId, numberNotation: result.numberNotation, recipients: result.recipients.length, sealed: result.sealed, source: s.source });
  deps.failpoint?.('after-submit');
  return result;
}

/** The hosted agency that sends; USAGE when it is not one of ours. */
export function hostedAgency(deps: Pick<OutgoingDeps, 'config'>, code: string): HostedAgency {
  const agency = deps.config.agencies.find(a => a.code === code.toUpperCase());
  if (!agency) throw new BridgeError('USAGE', `${code} is not a hosted agency (see config: agencies[].code)`);
  return agency;
}

/** The result of an earlier submission with this key, if any. */
async function submitted(deps: OutgoingDeps, key: string): Promise<SubmitResult | null> {
  const doc: OutgoingDocumentRow | undefined = await deps.db('outgoing_documents').where({ submission_key: key }).first();
  if (!doc) return null;
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

/** One main PDF, annexes PDFs too, none empty. */
function checkFiles(s: Submission): void {
  if (s.files.filter(f => f.role === 'main').length !== 1) throw new BridgeError('USAGE', 'a document needs exactly one main file (--file)');
  for (const f of s.files) {
    if (!hasPdfMagic(f.content)) throw new BridgeError('PDF_UNREADABLE', `${f.name} is not a PDF`);
  }
}
