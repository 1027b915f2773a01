import type { EventCode } from '../events.js';
import type { Db } from './connect.js';
import { insertChained } from './event-chain.js';

export type EventRecord = { event: EventCode; agencyCode?: string; refType?: string; refId?: number; data?: unknown };

/**
 * Append to the event log (operators' audit trail); never updated or deleted. Each row is chained
 * onto the previous one (event-chain.ts): inside the caller's transaction when `db` is one, else
 * in a transaction of its own.
 */
export async function appendEvent(db: Db, at: Date, e: EventRecord): Promise<{ id: number; hash: string }> {
  const row = {
    event: e.event,
    agency_code: e.agencyCode ?? null,
    ref_type: e.refType ?? null,
    ref_id: e.refId ?? null,
    data: e.data === undefined ? null : JSON.stringify(e.data),
  };
  return db.isTransaction ? insertChained(db, at, row) : db.transaction(trx => insertChained(trx, at, row));
}
