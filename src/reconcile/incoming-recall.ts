import { answeredEntry, entryAnswerSubject, prepareStatusAnswer } from '../compose/status-answer.js';
import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { agencyByAddress } from '../db/agencies.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { appendReconcileLog, finishReport, type MatchMethod, type PendingReport } from '../db/reconcile.js';
import { findEntry as findEntryBy, moveEntry, type EntryRow } from '../db/register.js';
import { inTransaction } from '../db/transaction.js';
import { parseNumberNotation } from '../domain/document/number-notation.js';
import { isoToDisplay } from '../domain/vn-time.js';
import type { ResponseFor } from '../edxml/types.js';
import { findEdxml } from '../mail/edxml-parts.js';
import { parseSubject } from '../mail/subject.js';
import type { ParsedMail } from '../mail/types.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';
import { idOrigin } from '../compose/ids.js';

/** How long a recall whose document has not been registered yet waits before it is an orphan. */
export const RECALL_WAIT_MS = 24 * 3600 * 1000;

/**
 * A peer recalls a document it sent us (status 13 or an edXML revoke, NĐ 30 Art. 18.4.b): find our
 * register entry, cancel it (compare-and-set; the row and its metadata stay, App. VI §III.8), tell
 * the clerk, and answer 15 (đồng ý thu hồi) through the outbox. Matched like outgoing reports:
 * In-Reply-To / References (the sender's document Message-ID), ResponseFor, then the subject.
 */
export async function reconcileIncomingRecall(deps: Deps, report: PendingReport, mail: ParsedMail): Promise<{ state: 'matched' | 'orphan' | 'duplicate' | 'waiting'; entryId?: number }> {
  const agency = deps.config.agencies.find(a => a.code === report.agency_code);
  const { responseFor, reason } = recallFacts(mail);
  const found = agency ? await findEntry(deps.db, agency.code, mail, responseFor) : null;
  const now = deps.ports.clock.now();
  // Mail is not ordered: a recall may overtake its document (still in the inbox, or held in
  // quarantine). It waits, pending, before it is declared an orphan.
  if (agency && !found && now.getTime() - new Date(report.created_at).getTime() < RECALL_WAIT_MS) return { state: 'waiting' };
  if (!agency || !found) {
    await appendReconcileLog(deps.db, now, { reportId: report.id, agencyCode: report.agency_code, event: 'recall:13', effect: 'orphan', detail: `${mail.subject} (${mail.from?.address ?? 'no sender'})`, evidenceSha256: report.raw_sha256 });
    await finishReport(deps.db, report.id, 'orphan', null, now);
    deps.ports.log.warn('RECONCILE_ORPHAN', { report: report.id, agency: report.agency_code, kind: 'recall', subject: mail.subject });
    return { state: 'orphan' };
  }
  const { entry, method } = found;
  const answer = await prepareStatusAnswer(
    entryAnswerSubject(agency, idOrigin(deps.config), entry, {
      to: mail.from?.address ?? entry.sender_address ?? '',
      receivedMailId: report.received_mail_id,
      documentMessageId: mail.messageId ?? entry.sender_message_id,
      subject: mail.subject,
    }),
    '15',
    now,
    { note: `Đã hủy văn bản theo yêu cầu thu hồi: ${reason}` },
  );
  await deps.ports.blobs.putAll(answer.files);
  const cancelled = await inTransaction(deps.db, async trx => {
    const moved = await moveEntry(trx, entry.id, entry.status, 'cancelled', { code: '13', note: `Thu hồi: ${reason}`, evidenceSha256: report.raw_sha256 }, now);
    await enqueue(trx, answer.mail(answeredEntry(entry)), now);
    await appendReconcileLog(trx, now, { reportId: report.id, agencyCode: agency.code, method, event: 'recall:13', effect: moved ? 'cancelled' : 'duplicate', fromStatus: entry.status, toStatus: 'cancelled', detail: `entry ${entry.id}: ${reason}`, evidenceSha256: report.raw_sha256 });
    if (moved) await appendEvent(trx, now, { event: 'RECALL_RECEIVED', agencyCode: agency.code, refType: 'entry', refId: entry.id, data: { reason, method } });
    await finishReport(trx, report.id, moved ? 'matched' : 'duplicate', method, now);
    return moved;
  });
  if (cancelled) {
    deps.ports.log.info('RECALL_RECEIVED', { agency: agency.code, entry: entry.id, method, reason });
    await tellClerk(deps, agency, entry, reason);
  }
  return { state: cancelled ? 'matched' : 'duplicate', entryId: entry.id };
}

/** ResponseFor and the reason, from the status packet or the revoke envelope. */
function recallFacts(mail: ParsedMail): { responseFor: ResponseFor | null; reason: string } {
  const edxml = findEdxml(mail);
  const st = edxml.status?.parse;
  const env = edxml.envelope?.parse;
  const responseFor = st?.responseFor ?? env?.responseFor ?? (env?.documentId ? { documentId: env.documentId, organId: env.from?.organId, code: env.numberNotation } : null);
  const reason = (st?.description || env?.businessDocReason || mail.text.split(/\r?\n/u).find(l => /lý do/iu.test(l)) || 'không nêu lý do').trim();
  return { responseFor, reason };
}

/** The live entry the recall is about. */
async function findEntry(db: Db, agencyCode: string, mail: ParsedMail, rf: ResponseFor | null): Promise<{ entry: EntryRow; method: MatchMethod } | null> {
  const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references];
  for (const id of ids) {
    const e = await findEntryBy(db, agencyCode, { sender_message_id: id });
    if (e) return { entry: e, method: 'in-reply-to' };
  }
  if (rf?.documentId) {
    const e = await findEntryBy(db, agencyCode, { document_id: rf.documentId.normalize('NFC') });
    if (e) return { entry: e, method: 'response-for' };
  }
  const code = rf?.code ? (parseNumberNotation(rf.code)?.numberNotation ?? rf.code) : null;
  if (code) {
    const e = await findEntryBy(db, agencyCode, { number_notation: code, ...(rf?.organId ? { issuer_code: rf.organId } : {}), ...(rf?.promulgationDate ? { doc_date: rf.promulgationDate } : {}) });
    if (e) return { entry: e, method: 'response-for' };
  }
  const subject = parseSubject(mail.subject);
  const issuer = mail.from ? await agencyByAddress(db, mail.from.address) : undefined;
  if (subject.numberNotation && issuer) {
    const e = await findEntryBy(db, agencyCode, { number_notation: subject.numberNotation, issuer_code: issuer.code });
    if (e) return { entry: e, method: 'subject-guess' };
  }
  return null;
}

async function tellClerk(deps: Deps, agency: HostedAgency, entry: EntryRow, reason: string): Promise<void> {
  await raiseAlert(
    deps,
    agency,
    {
      event: 'RECALL_RECEIVED',
      key: `recall-in:${entry.id}`,
      message: `Văn bản đến số ${entry.arrival_number}/${entry.year} (${entry.number_notation ?? 'chưa rõ số, ký hiệu'}) đã bị cơ quan gửi thu hồi`,
      details: [
        `Cơ quan gửi: ${entry.issuer_name ?? entry.issuer_code ?? entry.sender_address ?? ''}`,
        `Văn bản: ${entry.number_notation ?? ''}${entry.doc_date ? ' ngày ' + isoToDisplay(entry.doc_date) : ''} – ${entry.summary ?? ''}`,
        `Lý do thu hồi: ${reason}`,
        'Văn bản đã được hủy trên sổ văn bản đến (giữ lại thông tin đầu vào) và hệ thống đã thông báo đồng ý thu hồi (mã 15) cho cơ quan gửi.',
      ].join('\n'),
      refType: 'entry',
      refId: entry.id,
    },
    deps.ports.clock.now(),
  );
}
