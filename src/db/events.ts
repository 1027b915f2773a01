import type { EventCode } from '../events.js';
import type { Db } from './connect.js';

export type EventRecord = { event: EventCode; agencyCode?: string; refType?: string; refId?: number; data?: unknown };

/** Append to the event log (operators' audit trail); never updated or deleted. */
export async function appendEvent(db: Db, at: Date, e: EventRecord): Promise<void> {
  await db('events').insert({
    at: at.toISOString(),
    event: e.event,
    agency_code: e.agencyCode ?? null,
    ref_type: e.refType ?? null,
    ref_id: e.refId ?? null,
    data: e.data === undefined ? null : JSON.stringify(e.data),
  });
}
