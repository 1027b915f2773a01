import { edxmlDocumentId } from '../compose/ids.js';
import { calendarFor } from '../config/policies.js';
import type { HostedAgency } from '../config/schema.js';
import { findBySubmissionKey, insertOutgoingDocument, type OutgoingFile } from '../db/outgoing.js';
import { nextNumber } from '../db/register.js';
import { inTransaction } from '../db/transaction.js';
import { processingDueDate, sendDeadline, toLocalDate } from '../domain/calendar/index.js';
import { formatNumberNotation } from '../domain/document/number-notation.js';
import { vnYear } from '../domain/vn-time.js';
import { BridgeError } from '../errors.js';
import { hasPdfMagic } from '../mail/parse.js';
import type { Deps } from '../ports.js';
import { finishSubmission, submitResult, type SubmitDeps, type SubmitResult } from './finish-submission.js';
import { resolveRecipients } from './recipients.js';
import { notationFor, sealedFileName, type Submission } from './submission.js';

export type { SubmitDeps, SubmitResult };

/** Urgent documents go "immediately" (NĐ 30 Art. 18.1); the late-send alert uses this allowance. */
const URGENT_SEND_MINUTES: Readonly<Record<string, number>> = { 'hoa-toc': 15, 'thuong-khan': 30, khan: 60 };

/**
 * Submit an outgoing document (docs/registers.md §Submitting outgoing documents), top to bottom:
 *   1. check      hosted agency, recipients in the directory, every file a PDF that can be stamped,
 *                 the agency key when a certificate is configured — all before a number is taken
 *   2. keep       the clerk's originals in the blob store
 *   3. number     one transaction: the next number of the outgoing register (per agency and year,
 *                 gapless, NĐ 30 Art. 15) and the document row, in state `sealing` (the files named
 *                 after the number when the submission asks for it)
 *   4. finish     stamp + seal each file, the edXML envelope, then one transaction: the sealed files,
 *                 a recipient row and a queued mail per recipient (finish-submission.ts)
 * A crash between 3 and 4 leaves the document in `sealing`: the next cycle finishes it, so the
 * number is never lost and never reused. A failed check takes no number.
 */
export async function submitDocument(deps: SubmitDeps, s: Submission): Promise<SubmitResult> {
  const agency = hostedAgency(deps, s.agencyCode);
  if (s.submissionKey) {
    const earlier = await findBySubmissionKey(deps.db, s.submissionKey);
    if (earlier) return earlier.state === 'sealing' ? finishSubmission(deps, earlier) : submitResult(deps, earlier);
  }
  const recipients = await resolveRecipients(deps.db, s.to);
  checkFiles(s);
  const key = await deps.sealer.key(agency);
  const cal = calendarFor(deps.config);
  const now = deps.ports.clock.now();
  const year = vnYear(now);
  const notation = notationFor(s.meta, agency);
  // A file the stamper cannot read must fail here, while no number is taken (stamp only: cheap).
  for (const f of s.files) await deps.sealer.seal(f.content, null, { numberNotation: formatNumberNotation(9999, notation), date: now, place: agency.place, kind: f.role === 'main' ? 'document' : 'attachment' }, 'check');

  const originals: OutgoingFile[] = [];
  for (const f of s.files) {
    const ref = await deps.ports.blobs.put(f.content);
    originals.push({ name: f.name, role: f.role, originalSha256: ref.sha256, sha256: ref.sha256, size: ref.size, sealed: false });
  }
  const urgent = URGENT_SEND_MINUTES[s.meta.urgency];
  const deadline = urgent ? new Date(now.getTime() + urgent * 60_000) : sendDeadline(now, cal, deps.config.instance.sendCutoff);
  const dueDate = s.meta.dueDate ?? (s.meta.processingDays ? processingDueDate(now, s.meta.processingDays, cal) : null);
  const docDate = toLocalDate(now);

  const doc = await inTransaction(deps.db, async trx => {
    const number = await nextNumber(trx, agency.code, 'outgoing', year);
    const numberNotation = formatNumberNotation(number, notation);
    let annexes = 0;
    const files = s.nameAfterNumber !== false ? originals.map(f => ({ ...f, name: sealedFileName(numberNotation, f.role, f.role === 'annex' ? ++annexes : 0) })) : originals;
    const id = await insertOutgoingDocument(
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
        state: 'sealing',
        source: s.source,
        files,
        sealed: false,
        signed_at: now.toISOString(),
        send_deadline: deadline.toISOString(),
        submission_key: s.submissionKey ?? null,
        submitted_to: { recipients, toPlaces: s.meta.toPlaces },
      },
      now,
    );
    return { id };
  });
  return finishSubmission(deps, doc.id, { key, contents: s.files.map(f => f.content) });
}

/** The hosted agency that sends; USAGE when it is not one of ours. */
export function hostedAgency(deps: Pick<Deps, 'config'>, code: string): HostedAgency {
  const agency = deps.config.agencies.find(a => a.code === code.toUpperCase());
  if (!agency) throw new BridgeError('USAGE', `${code} is not a hosted agency (see config: agencies[].code)`);
  return agency;
}

/** One main PDF, annexes PDFs too, none empty. */
function checkFiles(s: Submission): void {
  if (s.files.filter(f => f.role === 'main').length !== 1) throw new BridgeError('USAGE', 'a document needs exactly one main file (--file)');
  for (const f of s.files) {
    if (!hasPdfMagic(f.content)) throw new BridgeError('PDF_UNREADABLE', `${f.name} is not a PDF`);
  }
}
