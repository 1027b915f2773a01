import type { Db } from './connect.js';

/** Close an orphan report as matched by hand (compare-and-set on `orphan`); false when it no longer is one. */
export async function markOrphanAttached(db: Db, reportId: number, now: Date): Promise<boolean> {
  return (await db('inbound_reports').where({ id: reportId, state: 'orphan' }).update({ state: 'matched', method: 'manual', reconciled_at: now.toISOString() })) === 1;
}
