import type { OutgoingRecipientRow } from '../db/outgoing.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import type { OutgoingDeps } from '../outbound/deps.js';
import { applyToRecipient } from './apply.js';
import { raiseAlert } from './alerts.js';

type Late = OutgoingRecipientRow & { agency: string; number_notation: string; send_deadline: string };

/**
 * Deadline checks (docs/working-days.md §Overdue and late sends), run by the `overdue` job:
 *   1. late sends     a recipient still unsent after the document's send deadline (NĐ 30 Art. 18.1)
 *   2. overdue        a recipient sent but not received (03) by its receipt deadline (Art. 21.2.c:
 *                     same day) → event deadline-passed (→ overdue) and an alert, once
 */
export async function runOverdue(deps: OutgoingDeps): Promise<{ lateSends: number; overdue: number }> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  let lateSends = 0;
  let overdue = 0;
  const unsent: Late[] = await deps.db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereNull('r.sent_at')
    .where('d.send_deadline', '<', nowIso)
    .whereNot('d.state', 'recalled')
    .select('r.*', 'd.agency_code as agency', 'd.number_notation', 'd.send_deadline');
  for (const r of unsent) {
    const agency = deps.config.agencies.find(a => a.code === r.agency);
    if (!agency) continue;
    const raised = await raiseAlert(deps.db, deps.log, deps.config.instance.domain, agency, {
      event: 'OUTBOX_LATE',
      key: `late:${r.id}`,
      message: `Văn bản ${r.number_notation} chưa gửi được tới ${r.address} dù đã quá hạn phát hành`,
      details: `Hạn gửi: ${vnDateTimeDisplay(new Date(r.send_deadline))} (Nghị định 30/2020/NĐ-CP, Điều 18). Kiểm tra hàng đợi gửi (edoc-bridge outbox list).`,
      refType: 'recipient',
      refId: r.id,
      data: { deadline: r.send_deadline },
    }, now);
    if (raised) lateSends++;
  }
  const waiting: Late[] = await deps.db('outgoing_recipients as r')
    .join('outgoing_documents as d', 'd.id', 'r.document_id')
    .whereIn('r.status', ['sent', 'delivered'])
    .whereNull('r.overdue_alerted_at')
    .where('r.deadline', '<', nowIso)
    .select('r.*', 'd.agency_code as agency', 'd.number_notation', 'd.send_deadline');
  for (const r of waiting) {
    const applied = await applyToRecipient(deps.db, r.id, { type: 'deadline-passed' }, { reportId: null, method: 'deadline', guess: false, label: 'deadline:receipt', code: null, note: `receipt expected by ${r.deadline}`, sha256: null, agencyCode: r.agency }, now);
    await deps.db('outgoing_recipients').where({ id: r.id }).update({ overdue_alerted_at: nowIso });
    const agency = deps.config.agencies.find(a => a.code === r.agency);
    if (applied.effect !== 'moved' || !agency) continue;
    overdue++;
    await raiseAlert(deps.db, deps.log, deps.config.instance.domain, agency, {
      event: 'RECIPIENT_OVERDUE',
      key: `overdue:${r.id}`,
      message: `${r.name ?? r.address} chưa thông báo tiếp nhận văn bản ${r.number_notation}`,
      details: `Hạn thông báo tiếp nhận: ${vnDateTimeDisplay(new Date(r.deadline!))} (Nghị định 30/2020/NĐ-CP, Điều 21). Đề nghị văn thư liên hệ cơ quan nhận.`,
      refType: 'recipient',
      refId: r.id,
      data: { deadline: r.deadline },
    }, now);
  }
  return { lateSends, overdue };
}
