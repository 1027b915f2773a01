import type { Db } from '../db/connect.js';
import { workersStatus } from '../db/workers.js';

export type WorkerView = { id: string; role: string; startedAt: string; heartbeatAt: string; alive: boolean; mailboxes: number };
export type MailboxView = {
  agency: string;
  owner: string | null;
  /** The owner's claim and heartbeat are current (a dead owner's mailboxes are taken within the lease). */
  ownerAlive: boolean;
  /** A cycle holds the mailbox now (its lease), and whose. */
  cycleBy: string | null;
  lastCycleAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
};
export type StatusView = { at: string; workers: WorkerView[]; mailboxes: MailboxView[] };

/** Who owns what (docs/operations.md §Workers): the `status` command, the health page and its JSON. */
export async function workersView(db: Db, now: Date): Promise<StatusView> {
  const at = now.toISOString();
  const { workers, mailboxes } = await workersStatus(db);
  const alive = new Set(workers.filter(w => w.expires_at >= at).map(w => w.id));
  return {
    at,
    workers: workers.map(w => ({
      id: w.id,
      role: w.role,
      startedAt: w.started_at,
      heartbeatAt: w.heartbeat_at,
      alive: alive.has(w.id),
      mailboxes: mailboxes.filter(m => m.owner === w.id && (m.owner_until ?? '') >= at).length,
    })),
    mailboxes: mailboxes.map(m => ({
      agency: m.agency_code,
      owner: m.owner,
      ownerAlive: !!m.owner && alive.has(m.owner) && (m.owner_until ?? '') >= at,
      cycleBy: m.lease_owner,
      lastCycleAt: m.last_cycle_at,
      lastSuccessAt: m.last_success_at,
      lastError: m.last_error,
      lastErrorAt: m.last_error_at,
    })),
  };
}
