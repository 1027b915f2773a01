import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { messageIdFor } from '../domain/outgoing/message-id.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import type { EventCode } from '../events.js';
import type { Log } from '../log.js';
import { render } from '../outbound/templates.js';

/** One alert: the log event, and the Vietnamese words the clerk reads. */
export type Alert = {
  event: EventCode;
  /** Unique per cause, so an alert is raised (and mailed) once. */
  key: string;
  message: string;
  details?: string;
  refType: string;
  refId: number;
  data?: Record<string, unknown>;
};

/**
 * Raise an alert three ways (docs/mail.md §Notices to the clerk): a log line, the event log (the web app reads it), and a
 * notice in the clerk's mailbox (agency.noticeTo, else the official mailbox) queued through the
 * outbox. Marked Auto-Submitted: auto-generated (RFC 3834) so no one answers it. Idempotent on `key`.
 */
export async function raiseAlert(db: Db, log: Log, domain: string, agency: HostedAgency, alert: Alert, now: Date): Promise<boolean> {
  const body = await render('notice', {
    agencyName: agency.name,
    message: alert.message,
    details: alert.details ?? '',
    timestamp: vnDateTimeDisplay(now) + ' (giờ Việt Nam)',
  });
  const queued = await enqueue(
    db,
    {
      agencyCode: agency.code,
      kind: 'notice',
      dedupeKey: `notice:${alert.key}`,
      messageId: messageIdFor('notice', { docId: alert.key }, domain),
      to: agency.noticeTo ?? agency.email,
      subject: `[edoc-bridge] ${alert.message}`.replace(/\s+/g, ' ').slice(0, 200),
      message: {
        from: { name: `edoc-bridge – ${agency.name}`, address: agency.email },
        text: body.text,
        html: body.html,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Edoc-Notice': alert.event },
        attachments: [],
      },
      priority: 1,
    },
    now,
  );
  if (queued) {
    await appendEvent(db, now, { event: alert.event, agencyCode: agency.code, refType: alert.refType, refId: alert.refId, data: { message: alert.message, ...alert.data } });
    log.warn(alert.event, { agency: agency.code, [alert.refType]: alert.refId, ...alert.data });
  }
  return queued;
}
