import { patchRecipient, type OutgoingRecipientRow } from '../db/outgoing.js';
import { receiptDeadline } from '../domain/calendar/index.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import { enhancedStatus, loadSmtpPolicy } from '../domain/outgoing/smtp-response.js';
import type { RecipientEvent } from '../domain/outgoing/recipient-state.js';
import { calendarFor } from '../outbound/calendar.js';
import type { OutgoingDeps } from '../outbound/deps.js';
import { applyToRecipient } from './apply.js';
import { raiseAlert } from './alerts.js';

type Pending = OutgoingRecipientRow & { outbox_state: string; outbox_sent_at: string | null; outbox_error: string | null; outbox_response: string | null; send_deadline: string; agency: string; number_notation: string };

/**
 * The outbox's results become recipient events (queued → sent, or → bounced / expired), once per
 * recipient: `sent_at` marks it recorded. Run after every outbox pass and at the start of every
 * reconciliation, so a crash between the two only delays it. A send after the document's send
 * deadline raises the late-send alert (NĐ 30 Art. 18.1).
 */
export async function recordSends(deps: OutgoingDeps): Promise<{ sent: number; failed: number }> {
  const rows: Pending[] = await deps.db('outgoing_recipients as r')
    .join('outbox as o', 'o.id', 'r.outbox_id')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereNull('r.sent_at')
    .whereIn('o.state', ['sent', 'failed'])
    .select('r.*', 'o.state as outbox_state', 'o.sent_at as outbox_sent_at', 'o.last_error as outbox_error', 'o.last_response as outbox_response', 'd.send_deadline', 'd.agency_code as agency', 'd.number_notation');
  const cal = calendarFor(deps.config);
  const retryCategories = new Set(loadSmtpPolicy().rules.filter(r => r.action === 'retry').map(r => r.category).concat(['transient', 'network']));
  const out = { sent: 0, failed: 0 };
  for (const r of rows) {
    const now = deps.clock.now();
    if (r.outbox_state === 'sent') {
      const sentAt = new Date(r.outbox_sent_at ?? now);
      await applyToRecipient(deps.db, r.id, { type: 'sent' }, { reportId: null, method: 'outbox', guess: false, label: 'smtp:sent', code: null, note: r.outbox_response, sha256: null, agencyCode: r.agency }, now);
      await patchRecipient(deps.db, r.id, { sent_at: sentAt.toISOString(), deadline: receiptDeadline(sentAt, cal, deps.config.instance.officeEnd).toISOString() });
      if (sentAt.getTime() > new Date(r.send_deadline).getTime()) await alertLate(deps, r, sentAt);
      out.sent++;
    } else {
      // "category: reply": a retryable category here means the retry schedule gave up (expired).
      const error = r.outbox_error ?? 'failed';
      const category = /^([a-z-]+):/.exec(error)?.[1] ?? 'permanent';
      const event: RecipientEvent = retryCategories.has(category) ? { type: 'expired' } : { type: 'send-failed' };
      const words = error.replace(/^[a-z-]+:\s*/, '');
      await applyToRecipient(deps.db, r.id, event, { reportId: null, method: 'outbox', guess: false, label: `smtp:${event.type}`, code: enhancedStatus(words) ?? null, note: words, sha256: null, agencyCode: r.agency }, now);
      await patchRecipient(deps.db, r.id, { sent_at: now.toISOString() });
      out.failed++;
    }
  }
  await deps.db('outgoing_documents')
    .where({ state: 'queued' })
    .whereNotExists(q => q.select(deps.db.raw('1')).from('outgoing_recipients').whereRaw('outgoing_recipients.document_id = outgoing_documents.id').whereNull('sent_at'))
    .update({ state: 'sent' });
  return out;
}

async function alertLate(deps: OutgoingDeps, r: Pending, sentAt: Date): Promise<void> {
  const agency = deps.config.agencies.find(a => a.code === r.agency);
  if (!agency) return;
  await raiseAlert(
    deps.db,
    deps.log,
    deps.config.instance.domain,
    agency,
    {
      event: 'OUTBOX_LATE',
      key: `late:${r.id}`,
      message: `Văn bản ${r.number_notation} gửi ${r.address} muộn so với thời hạn phát hành`,
      details: `Hạn gửi: ${vnDateTimeDisplay(new Date(r.send_deadline))}; đã gửi lúc: ${vnDateTimeDisplay(sentAt)} (Nghị định 30/2020/NĐ-CP, Điều 18).`,
      refType: 'recipient',
      refId: r.id,
      data: { deadline: r.send_deadline, sentAt: sentAt.toISOString() },
    },
    deps.clock.now(),
  );
}
