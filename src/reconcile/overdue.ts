import { awaitingPastDeadline, patchRecipient, unsentPastDeadline } from '../db/outgoing.js';
import { applyToRecipient } from '../db/recipient-events.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';

/**
 * Deadline checks (docs/working-days.md §Overdue and late sends), a stage of every cycle:
 *   1. late sends     a recipient still unsent after the document's send deadline (NĐ 30 Art. 18.1)
 *   2. overdue        a recipient sent but not received (03) by its receipt deadline (Art. 21.2.c:
 *                     same day) → event deadline-passed (→ overdue) and an alert, once
 */
export async function runOverdue(deps: Deps): Promise<{ lateSends: number; overdue: number }> {
  const now = deps.ports.clock.now();
  let lateSends = 0;
  let overdue = 0;
  for (const r of await unsentPastDeadline(deps.db, now)) {
    const agency = deps.config.agencies.find(a => a.code === r.agency);
    if (!agency) continue;
    const raised = await raiseAlert(deps, agency, {
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
  for (const r of await awaitingPastDeadline(deps.db, now)) {
    const applied = await applyToRecipient(deps.db, r.id, { type: 'deadline-passed' }, { reportId: null, method: 'deadline', guess: false, label: 'deadline:receipt', code: null, note: `receipt expected by ${r.deadline}`, sha256: null, agencyCode: r.agency }, now);
    await patchRecipient(deps.db, r.id, { overdue_alerted_at: now.toISOString() });
    const agency = deps.config.agencies.find(a => a.code === r.agency);
    if (applied.effect !== 'moved' || !agency) continue;
    overdue++;
    await raiseAlert(deps, agency, {
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
