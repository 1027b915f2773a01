import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { agencyByAddress } from '../db/agencies.js';
import { appendEvent } from '../db/events.js';
import { appendReconcileLog, finishReport, type MatchMethod, type PendingReport } from '../db/reconcile.js';
import type { EntryRow } from '../db/register.js';
import { parseNumberNotation } from '../domain/document/number-notation.js';
import { isoToDisplay } from '../domain/vn-time.js';
import type { ResponseFor } from '../edxml/types.js';
import { entryAnswerSubject, queueStatusAnswer } from '../inbound/answer.js';
import { inTransaction } from '../inbound/commit.js';
import { findEdxml } from '../mail/edxml-parts.js';
import { parseMail } from '../mail/parse.js';
import { parseSubject } from '../mail/subject.js';
import type { ParsedMail } from '../mail/types.js';
import type { OutgoingDeps } from '../outbound/deps.js';
import { raiseAlert } from './alerts.js';

/** How long a recall whose document has not been registered yet waits before it is an orphan. */
export const RECALL_WAIT_MS = 24 * 3600 * 1000;

/**
 * A peer recalls a document it sent us (status 13 or an edXML revoke, NĐ 30 Art. 18.4.b): find our
 * register entry, cancel it (compare-and-set; the row and its metadata stay, App. VI §III.8), tell
 * the clerk, and answer 15 (đồng ý thu hồi) through the outbox. Matched like outgoing reports:
 * In-Reply-To / References (the sender's document Message-ID), ResponseFor, then the subject.
 */
export async function reconcileIncomingRecall(deps: OutgoingDeps, report: PendingReport): Promise<{ state: 'matched' | 'orphan' | 'duplicate' | 'waiting'; entryId?: number }> {
  const agency = deps.config.agencies.find(a => a.code === report.agency_code);
  const mail = await parseMail(await deps.blobs.get(report.raw_sha256));
  const { responseFor, reason } = recallFacts(mail);
  const found = agency ? await findEntry(deps.db, agency.code, mail, responseFor) : null;
  const now = deps.clock.now();
  // Mail is not ordered: a recall may overtake its document (still in the inbox, or held in
  // quarantine). It waits, pending, before it is declared an orphan.
  if (agency && !found && now.getTime() - new Date(report.created_at).getTime() < RECALL_WAIT_MS) return { state: 'waiting' };
  if (!agency || !found) {
    await appendReconcileLog(deps.db, now, { reportId: report.id, agencyCode: report.agency_code, event: 'recall:13', effect: 'orphan', detail: `${mail.subject} (${mail.from?.address ?? 'no sender'})`, evidenceSha256: report.raw_sha256 });
    await finishReport(deps.db, report.id, 'orphan', null, now);
    deps.log.warn('RECONCILE_ORPHAN', { report: report.id, agency: report.agency_code, kind: 'recall', subject: mail.subject });
    return { state: 'orphan' };
  }
  const { entry, method } = found;
  const cancelled = await inTransaction(deps.db, async trx => {
    const n = await trx('register_entries').where({ id: entry.id, status: entry.status }).whereNot({ status: 'cancelled' }).update({ status: 'cancelled' });
    if (n === 1) {
      await trx('status_history').insert({ subject_type: 'entry', subject_id: entry.id, from_state: entry.status, to_state: 'cancelled', code: '13', note: `Thu hồi: ${reason}`.slice(0, 2000), evidence_sha256: report.raw_sha256, at: now.toISOString() });
    }
    await queueStatusAnswer(
      trx,
      deps.blobs,
      entryAnswerSubject(agency, deps.config.instance.domain, entry, {
        to: mail.from?.address ?? entry.sender_address ?? '',
        receivedMailId: report.received_mail_id,
        documentMessageId: mail.messageId ?? entry.sender_message_id,
        subject: mail.subject,
      }),
      '15',
      now,
      { note: `Đã hủy văn bản theo yêu cầu thu hồi: ${reason}` },
    );
    await appendReconcileLog(trx, now, { reportId: report.id, agencyCode: agency.code, method, event: 'recall:13', effect: n === 1 ? 'cancelled' : 'duplicate', fromStatus: entry.status, toStatus: 'cancelled', detail: `entry ${entry.id}: ${reason}`, evidenceSha256: report.raw_sha256 });
    if (n === 1) await appendEvent(trx, now, { event: 'RECALL_RECEIVED', agencyCode: agency.code, refType: 'entry', refId: entry.id, data: { reason, method } });
    await finishReport(trx, report.id, n === 1 ? 'matched' : 'duplicate', method, now);
    return n === 1;
  });
  if (cancelled) {
    deps.log.info('RECALL_RECEIVED', { agency: agency.code, entry: entry.id, method, reason });
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
  const live = () => db('register_entries').where({ agency_code: agencyCode }).orderByRaw("case when status = 'cancelled' then 1 else 0 end").orderBy('id', 'desc');
  const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references];
  for (const id of ids) {
    const e: EntryRow | undefined = await live().where({ sender_message_id: id }).first();
    if (e) return { entry: e, method: 'in-reply-to' };
  }
  if (rf?.documentId) {
    const e: EntryRow | undefined = await live().where({ document_id: rf.documentId.normalize('NFC') }).first();
    if (e) return { entry: e, method: 'response-for' };
  }
  const code = rf?.code ? (parseNumberNotation(rf.code)?.numberNotation ?? rf.code) : null;
  if (code) {
    const q = live().where({ number_notation: code });
    if (rf?.organId) q.where({ issuer_code: rf.organId });
    if (rf?.promulgationDate) q.where({ doc_date: rf.promulgationDate });
    const e: EntryRow | undefined = await q.first();
    if (e) return { entry: e, method: 'response-for' };
  }
  const subject = parseSubject(mail.subject);
  const issuer = mail.from ? await agencyByAddress(db, mail.from.address) : undefined;
  if (subject.numberNotation && issuer) {
    const e: EntryRow | undefined = await live().where({ number_notation: subject.numberNotation, issuer_code: issuer.code }).first();
    if (e) return { entry: e, method: 'subject-guess' };
  }
  return null;
}

async function tellClerk(deps: OutgoingDeps, agency: HostedAgency, entry: EntryRow, reason: string): Promise<void> {
  await raiseAlert(
    deps.db,
    deps.log,
    deps.config.instance.domain,
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
    deps.clock.now(),
  );
}
