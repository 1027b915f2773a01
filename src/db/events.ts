import type { EventCode } from '../events.js';
import type { Db } from './connect.js';
import { insertChainedMany } from './event-chain.js';

export type EventRecord = { event: EventCode; agencyCode?: string; refType?: string; refId?: number; data?: unknown };

/** An event as the log stores it. */
function rowOf(e: EventRecord) {
  return { event: e.event, agency_code: e.agencyCode ?? null, ref_type: e.refType ?? null, ref_id: e.refId ?? null, data: e.data === undefined ? null : JSON.stringify(e.data) };
}

/**
 * Append to the event log (operators' audit trail); never updated or deleted. Each row is chained
 * onto the previous one (event-chain.ts): inside the caller's transaction when `db` is one, else
 * in a transaction of its own.
 */
export async function appendEvent(db: Db, at: Date, e: EventRecord): Promise<{ id: number; hash: string }> {
  const [one] = await appendEvents(db, at, [e]);
  return one!;
}

/** Append several events at once, chained in the order given (one lock of the head, four statements: docs/operations.md §Throughput). */
export async function appendEvents(db: Db, at: Date, events: EventRecord[]): Promise<Array<{ id: number; hash: string }>> {
  const rows = events.map(rowOf);
  return db.isTransaction ? insertChainedMany(db, at, rows) : db.transaction(trx => insertChainedMany(trx, at, rows));
}
