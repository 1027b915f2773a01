import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { appendEvent } from '../db/events.js';
import { addQuarantine } from '../db/quarantine.js';
import { finishReceived, type ReceivedRow } from '../db/received.js';
import { BridgeError } from '../errors.js';
import type { IntakeDeps } from './deps.js';

/**
 * Run `work` in a transaction, retrying when it lost a race (DB_CONFLICT from a compare-and-set,
 * or SQLITE_BUSY when another process holds the write lock): the arrival number and the
 * received-row CAS are then simply taken again.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(trx => work(trx));
    } catch (err) {
      const busy = (err as NodeJS.ErrnoException).code === 'SQLITE_BUSY' || (err instanceof BridgeError && err.code === 'DB_CONFLICT' && err.details.retry === true);
      if (!busy || i >= attempts) throw err;
      await new Promise(r => setTimeout(r, 20 * i + Math.random() * 50));
    }
  }
}

/** Vietnamese reasons shown to the clerk for each quarantine code. */
export const QUARANTINE_REASONS: Record<string, string> = {
  MAIL_TOO_LARGE: 'Thư vượt quá dung lượng cho phép; chưa xử lý, thư gốc được lưu.',
  MAIL_UNPARSEABLE: 'Thư bị lỗi định dạng (MIME), không đọc được nội dung.',
  UNKNOWN_KIND: 'Thư không phải văn bản điện tử, báo cáo trạng thái hay thư trả lời; cần văn thư xem xét.',
  PROCESSING_FAILED: 'Xử lý thư thất bại nhiều lần; cần người quản trị kiểm tra.',
};

/** Quarantine a mail: row + received state in one transaction; the mail goes to the Quarantine folder. */
export async function commitQuarantine(deps: IntakeDeps, agency: HostedAgency, row: ReceivedRow, reasonCode: string, detail: string, mail?: { from: string | null; subject: string | null; kind: string | null }): Promise<void> {
  const now = deps.clock.now();
  const id = await inTransaction(deps.db, async trx => {
    await finishReceived(
      trx,
      row.id,
      { state: 'quarantined', kind: mail?.kind ?? null, outcome: 'quarantined', targetFolder: agency.folders.quarantine, fromAddress: mail?.from ?? null, subject: mail?.subject ?? null },
      now,
    );
    const qid = await addQuarantine(trx, { receivedMailId: row.id, agencyCode: agency.code, reasonCode, reason: QUARANTINE_REASONS[reasonCode] ?? reasonCode, detail }, now);
    await appendEvent(trx, now, { event: 'INTAKE_QUARANTINED', agencyCode: agency.code, refType: 'received', refId: row.id, data: { reasonCode, detail } });
    return qid;
  });
  deps.log.warn('INTAKE_QUARANTINED', { agency: agency.code, received: row.id, quarantine: id, reasonCode, detail });
}

/** Finish a mail that needs no register entry (a report, an auto-reply): it goes to Processed. */
export async function commitSimple(
  deps: IntakeDeps,
  agency: HostedAgency,
  row: ReceivedRow,
  result: { kind: string; outcome: string; from: string | null; subject: string | null; targetFolder?: string },
  extra?: (trx: Db) => Promise<void>,
): Promise<void> {
  const now = deps.clock.now();
  await inTransaction(deps.db, async trx => {
    await finishReceived(trx, row.id, { state: 'done', kind: result.kind, outcome: result.outcome, targetFolder: result.targetFolder ?? agency.folders.processed, fromAddress: result.from, subject: result.subject }, now);
    await extra?.(trx);
  });
}
