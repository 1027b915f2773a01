import { calendarFor } from '../config/policies.js';
import { markDocumentsSent, patchRecipient, unrecordedSends, type UnrecordedSend } from '../db/outgoing.js';
import { applyToRecipient } from '../db/recipient-events.js';
import { receiptDeadline } from '../domain/calendar/index.js';
import type { RecipientEvent } from '../domain/outgoing/recipient-state.js';
import { enhancedStatus } from '../domain/outgoing/smtp-response.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';

/**
 * The outbox's results become recipient events (queued → sent, or → bounced / expired), once per
 * recipient: `sent_at` marks it recorded. Run after every outbox pass and at the start of every
 * reconciliation, so a crash between the two only delays it. A failure whose policy action was
 * `retry` failed because the retry schedule gave up: the recipient expired; any other failure
 * bounced. A send after the document's send deadline raises the late-send alert (NĐ 30 Art. 18.1).
 */
export async function recordSends(deps: Deps): Promise<{ sent: number; failed: number }> {
  const cal = calendarFor(deps.config);
  const out = { sent: 0, failed: 0 };
  for (const r of await unrecordedSends(deps.db)) {
    const now = deps.ports.clock.now();
    if (r.outbox_state === 'sent') {
      const sentAt = new Date(r.outbox_sent_at ?? now);
      await applyToRecipient(deps.db, r.id, { type: 'sent' }, { reportId: null, method: 'outbox', guess: false, label: 'smtp:sent', code: null, note: r.outbox_response, sha256: null, agencyCode: r.agency }, now);
      await patchRecipient(deps.db, r.id, { sent_at: sentAt.toISOString(), deadline: receiptDeadline(sentAt, cal, deps.config.instance.officeEnd).toISOString() });
      if (sentAt.getTime() > new Date(r.send_deadline).getTime()) await alertLate(deps, r, sentAt);
      out.sent++;
    } else {
      const event: RecipientEvent = r.outbox_action === 'retry' ? { type: 'expired' } : { type: 'send-failed' };
      const words = r.outbox_error ?? 'failed';
      await applyToRecipient(deps.db, r.id, event, { reportId: null, method: 'outbox', guess: false, label: `smtp:${event.type}`, code: enhancedStatus(words) ?? null, note: words, sha256: null, agencyCode: r.agency }, now);
      await patchRecipient(deps.db, r.id, { sent_at: now.toISOString() });
      out.failed++;
    }
  }
  await markDocumentsSent(deps.db);
  return out;
}

async function alertLate(deps: Deps, r: UnrecordedSend, sentAt: Date): Promise<void> {
  const agency = deps.config.agencies.find(a => a.code === r.agency);
  if (!agency) return;
  await raiseAlert(
    deps,
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
    deps.ports.clock.now(),
  );
}
