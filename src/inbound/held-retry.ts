import type { HostedAgency } from '../config/schema.js';
import { listHeld, type ReceivedRow } from '../db/received.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';

/**
 * Held mails that are not in the inbox (docs/hostile-input.md §Scanning): a mail the operator
 * retried from the quarantine while the scanner was down is held in the Quarantine folder, where
 * no intake cycle lists it. Each cycle hands such mails to `take` (prepared again from their
 * stored raw bytes) once the scanner answers, so a held mail always comes back. `seen`: the
 * received rows this cycle took from the inbox already. Returns how many were taken.
 */
export async function retryHeldElsewhere(deps: Deps, agency: HostedAgency, seen: ReadonlySet<number>, take: (row: ReceivedRow) => Promise<void>): Promise<number> {
  if (deps.config.scan.mode === 'off') return 0;
  const rows = (await listHeld(deps.db, agency.code)).filter(r => !seen.has(r.id));
  if (rows.length === 0) return 0;
  // Scanner still down: preparing them again would only hold them again.
  if (!(await deps.ports.scanner.ping())) return 0;
  for (const row of rows) {
    deps.ports.log.info('INTAKE_HELD_RETRY', { agency: agency.code, received: row.id, receivedAt: row.received_at });
    await take(row);
  }
  return rows.length;
}

/**
 * Nobody forgets a held document (docs/hostile-input.md §Scanning): a mail held for the scanner
 * longer than `scan.heldWarnAfterMinutes` since it arrived raises INTAKE_HELD_LONG, once per mail
 * (the alert's key): a log line, the event log, and a notice to the clerk. Returns how many were raised now.
 */
export async function warnLongHeld(deps: Deps, agency: HostedAgency): Promise<number> {
  if (deps.config.scan.mode === 'off') return 0;
  const now = deps.ports.clock.now();
  const limitMs = deps.config.scan.heldWarnAfterMinutes * 60_000;
  let raised = 0;
  for (const row of await listHeld(deps.db, agency.code)) {
    const since = new Date(row.received_at);
    if (now.getTime() - since.getTime() < limitMs) continue;
    const alert = {
      event: 'INTAKE_HELD_LONG' as const,
      key: `held-scan.${agency.code}.${row.id}`,
      message: `Văn bản đến chờ quét mã độc quá ${deps.config.scan.heldWarnAfterMinutes} phút, chưa vào sổ`,
      details: [
        `- Thư nhận lúc: ${vnDateTimeDisplay(since)} (giờ Việt Nam)`,
        `- Nơi gửi: ${row.from_address ?? '(chưa đọc được)'}`,
        `- Tiêu đề: ${row.subject ?? '(chưa đọc được)'}`,
        `- Lý do: ${row.last_error ?? 'chưa quét được mã độc'}`,
        '- Văn bản sẽ được vào sổ ngay khi máy quét mã độc (clamd) hoạt động trở lại; đề nghị người quản trị kiểm tra.',
      ].join('\n'),
      refType: 'received',
      refId: row.id,
      data: { receivedAt: row.received_at, minutes: Math.floor((now.getTime() - since.getTime()) / 60_000) },
    };
    if (await raiseAlert(deps, agency, alert, now)) raised++;
  }
  return raised;
}
