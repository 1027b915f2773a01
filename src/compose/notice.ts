import type { HostedAgency } from '../config/schema.js';
import type { OutboxInput } from '../db/outbox.js';
import { vnDateTimeDisplay } from '../domain/vn-time.js';
import type { EventCode } from '../events.js';
import { noticeMessageId } from './ids.js';
import { render } from './templates.js';
import type { IdOrigin } from './ids.js';

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
 * The notice mail of an alert, to the clerk's mailbox (agency.noticeTo, else the official one).
 * Auto-Submitted: auto-generated (RFC 3834) so no one answers it; X-Edoc-Notice lets our own
 * intake recognise it and leave it in the inbox. Its dedupe key makes it once per cause.
 */
export async function noticeMail(agency: HostedAgency, alert: Alert, origin: IdOrigin, now: Date): Promise<OutboxInput> {
  const body = await render('notice', {
    agencyName: agency.name,
    message: alert.message,
    details: alert.details ?? '',
    timestamp: vnDateTimeDisplay(now) + ' (giờ Việt Nam)',
  });
  return {
    agencyCode: agency.code,
    kind: 'notice',
    dedupeKey: `notice:${alert.key}`,
    messageId: noticeMessageId(alert.key, origin),
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
  };
}
