import type { HostedAgency } from '../config/schema.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { noticeMail, type Alert } from '../compose/notice.js';
import type { Deps } from '../ports.js';
import { idOrigin } from '../compose/ids.js';

export type { Alert };

/**
 * Raise an alert three ways (docs/mail.md §Notices to the clerk): a log line, the event log (the
 * web app reads it), and a notice in the clerk's mailbox queued through the outbox
 * (compose/notice.ts). Idempotent on `alert.key`: the second time nothing is queued, logged or
 * recorded. True when it was raised now.
 */
export async function raiseAlert(deps: Deps, agency: HostedAgency, alert: Alert, now: Date): Promise<boolean> {
  const mail = await noticeMail(agency, alert, idOrigin(deps.config), now);
  const { created } = await enqueue(deps.db, mail, now);
  if (created) {
    await appendEvent(deps.db, now, { event: alert.event, agencyCode: agency.code, refType: alert.refType, refId: alert.refId, data: { message: alert.message, ...alert.data } });
    deps.ports.log.warn(alert.event, { agency: agency.code, [alert.refType]: alert.refId, ...alert.data });
  }
  return created;
}
