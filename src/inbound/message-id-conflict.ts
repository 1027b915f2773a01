import type { HostedAgency } from '../config/schema.js';
import { getReceived, type ReceivedRow } from '../db/received.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';
import { commitQuarantine } from './commit.js';
import type { ProcessOutcome } from './routes.js';

/**
 * A mail under the Message-ID of another mail of this mailbox, with other content
 * (docs/mail.md §Dedupe keys): never filed as a duplicate. It is kept, quarantined as
 * MESSAGE_ID_CONFLICT (the first mail stays as it is), and the clerk is told by a notice, since a
 * sender's second document sent under a reused Message-ID would otherwise go unanswered.
 */
export async function quarantineConflict(deps: Deps, agency: HostedAgency, row: ReceivedRow): Promise<ProcessOutcome> {
  const first = row.conflict_of === null ? undefined : await getReceived(deps.db, row.conflict_of);
  const detail = `Message-ID ${row.message_id ?? '(none)'} already received as mail ${row.conflict_of} with other content (${first?.content_key ?? 'unknown'} ≠ ${row.content_key})`;
  deps.ports.log.warn('INTAKE_MESSAGE_ID_CONFLICT', { agency: agency.code, received: row.id, first: row.conflict_of, messageId: row.message_id });
  await commitQuarantine(deps, agency, row, 'MESSAGE_ID_CONFLICT', detail);
  await raiseAlert(
    deps,
    agency,
    {
      event: 'INTAKE_MESSAGE_ID_CONFLICT',
      key: `message-id-conflict:${row.id}`,
      message: 'Thư đến trùng mã thư (Message-ID) với thư đã nhận nhưng khác nội dung, đã được cách ly',
      details: `Mã thư: ${row.message_id ?? '(không có)'}. Thư nhận trước (số ${row.conflict_of}${first?.subject ? `, "${first.subject}"` : ''}) vẫn giữ nguyên. Đề nghị xem thư cách ly và liên hệ nơi gửi nếu đây là văn bản khác.`,
      refType: 'received',
      refId: row.id,
      data: { first: row.conflict_of, messageId: row.message_id },
    },
    deps.ports.clock.now(),
  );
  return { outcome: 'quarantined', kind: null, detail: 'MESSAGE_ID_CONFLICT' };
}
