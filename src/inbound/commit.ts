import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { appendEvent } from '../db/events.js';
import { addQuarantine } from '../db/quarantine.js';
import { finishReceived, type ReceivedRow } from '../db/received.js';
import { inTransaction } from '../db/transaction.js';
import { LIMIT_REASONS_VI, type LimitCode } from '../domain/limits.js';
import type { Deps } from '../ports.js';

/** Vietnamese reasons shown to the clerk for each quarantine code. */
export const QUARANTINE_REASONS: Record<string, string> = {
  MAIL_TOO_LARGE: 'Thư vượt quá dung lượng cho phép; chưa xử lý. Thư gốc nằm nguyên trong thư mục cách ly trên máy chủ thư.',
  MAIL_UNPARSEABLE: 'Thư bị lỗi định dạng (MIME), không đọc được nội dung.',
  UNKNOWN_KIND: 'Thư không phải văn bản điện tử, báo cáo trạng thái hay thư trả lời; cần văn thư xem xét.',
  PROCESSING_FAILED: 'Xử lý thư thất bại nhiều lần; cần người quản trị kiểm tra.',
  PREPARE_BUDGET_EXCEEDED: 'Thư vượt quá giới hạn thời gian hoặc bộ nhớ khi đọc (có thể là tệp nén độc hại); chưa xử lý, thư gốc được lưu.',
  PREPARE_INTERRUPTED: 'Hệ thống dừng đột ngột khi đang đọc thư này; thư được cách ly để không làm nghẽn hộp thư, thư gốc được lưu.',
  MESSAGE_ID_CONFLICT: 'Thư có cùng mã thư (Message-ID) với một thư đã nhận nhưng nội dung khác; cần văn thư xem xét.',
  MALWARE_FOUND: 'Tệp đính kèm chứa mã độc; văn bản không được tiếp nhận và đã báo lại nơi gửi.',
  SCAN_TOO_LARGE: 'Tệp quá lớn để quét mã độc; văn bản chưa được tiếp nhận, thư gốc được lưu. Người quản trị kiểm tra tệp bằng cách khác rồi chuyển cho văn thư.',
};

/** What intake saw of a mail: recorded on its received row. */
export type Seen = { from: string | null; subject: string | null; kind: string | null };

/** Quarantine a mail: row + received state in one transaction; the mail goes to the Quarantine folder. */
export async function commitQuarantine(deps: Deps, agency: HostedAgency, row: ReceivedRow, reasonCode: string, detail: string, mail?: Seen): Promise<void> {
  const now = deps.ports.clock.now();
  const id = await inTransaction(deps.db, async trx => {
    await finishReceived(
      trx,
      row.id,
      { state: 'quarantined', kind: mail?.kind ?? null, outcome: 'quarantined', targetFolder: agency.folders.quarantine, fromAddress: mail?.from ?? null, subject: mail?.subject ?? null },
      now,
    );
    const qid = await addQuarantine(trx, { receivedMailId: row.id, agencyCode: agency.code, reasonCode, reason: QUARANTINE_REASONS[reasonCode] ?? LIMIT_REASONS_VI[reasonCode as LimitCode] ?? reasonCode, detail }, now);
    await appendEvent(trx, now, { event: 'INTAKE_QUARANTINED', agencyCode: agency.code, refType: 'received', refId: row.id, data: { reasonCode, detail } });
    return qid;
  });
  deps.ports.log.warn('INTAKE_QUARANTINED', { agency: agency.code, received: row.id, quarantine: id, reasonCode, detail });
}

/** Finish a mail that needs no register entry (a report, an auto-reply, a notice): by default it goes to Processed. */
export async function commitSimple(
  deps: Deps,
  agency: HostedAgency,
  row: ReceivedRow,
  result: Seen & { outcome: string; targetFolder?: string },
  extra?: (trx: Db, now: Date) => Promise<void>,
): Promise<void> {
  const now = deps.ports.clock.now();
  await inTransaction(deps.db, async trx => {
    await finishReceived(trx, row.id, { state: 'done', kind: result.kind, outcome: result.outcome, targetFolder: result.targetFolder ?? agency.folders.processed, fromAddress: result.from, subject: result.subject }, now);
    await extra?.(trx, now);
  });
}
