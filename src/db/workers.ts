import type { Db } from './connect.js';

/** A running gateway process: `service` (start) claims mailboxes, `once` (run --once) only heartbeats. */
export type WorkerInfo = { id: string; host: string; pid: number; role: 'service' | 'once'; startedAt: Date };

/** What one heartbeat leaves this worker with. */
export type ClaimResult = { owned: string[]; gained: string[]; lost: string[]; live: number; share: number };

const iso = (d: Date) => d.toISOString();

/** Record that this worker is alive until `now + ttlMs` (compare-free: the row is its own). */
export async function beat(db: Db, w: WorkerInfo, now: Date, ttlMs: number): Promise<void> {
  const row = { heartbeat_at: iso(now), expires_at: iso(new Date(now.getTime() + ttlMs)) };
  await db('workers')
    .insert({ id: w.id, host: w.host, pid: w.pid, role: w.role, started_at: iso(w.startedAt), ...row })
    .onConflict('id')
    .merge(row);
}

/**
 * One heartbeat's share of the hosted mailboxes (docs/operations.md §Workers), every change a
 * compare-and-set on `mailbox_owners`:
 *   renew    our claims run `ttlMs` from now
 *   share    ceil(mailboxes / live service workers)
 *   give     above the share, our surplus is released (not the ones in `keep`, our running cycles,
 *            unless nothing else is left), so a worker that joins finds free mailboxes
 *   take     below it, free mailboxes, expired claims and claims of dead workers are taken
 * A claim only says who serves the mailbox; the cycle's own lease (mailbox-state.ts) still keeps
 * two workers out of one mailbox when claims move.
 */
export async function claimShare(db: Db, me: string, codes: readonly string[], now: Date, ttlMs: number, keep: ReadonlySet<string> = new Set()): Promise<ClaimResult> {
  const at = iso(now);
  const until = iso(new Date(now.getTime() + ttlMs));
  for (const code of codes) await db('mailbox_owners').insert({ agency_code: code, owner: null }).onConflict('agency_code').ignore();
  const before = new Set(await ownedBy(db, me));
  await db('mailbox_owners').where({ owner: me }).update({ owner_until: until });
  const live = Number((await db('workers').where('role', 'service').andWhere('expires_at', '>=', at).count<{ n: number | string }[]>('* as n'))[0]?.n ?? 0);
  const share = Math.ceil(codes.length / Math.max(1, live));
  // A mailbox no longer hosted is given back whatever the share.
  const mine = [...before].filter(c => codes.includes(c));
  const gone = [...before].filter(c => !codes.includes(c));
  const surplus = mine.length - share;
  if (surplus > 0) {
    const idle = mine.filter(c => !keep.has(c));
    gone.push(...[...idle, ...mine.filter(c => keep.has(c))].slice(0, surplus));
  }
  if (gone.length) await db('mailbox_owners').whereIn('agency_code', gone).andWhere({ owner: me }).update({ owner: null, owner_until: null });
  let count = mine.length - Math.max(0, surplus);
  if (count < share) {
    const dead = db('workers').select('id').where('expires_at', '<', at);
    const free: Array<{ agency_code: string; owner: string | null; owner_until: string | null }> = await db('mailbox_owners')
      .whereIn('agency_code', [...codes])
      .andWhere(q => q.whereNull('owner').orWhere('owner_until', '<', at).orWhereIn('owner', dead))
      .orderBy('agency_code')
      .select('agency_code', 'owner', 'owner_until');
    for (const f of free) {
      if (count >= share) break;
      // Compare-and-set: the row must still be as we read it (another worker may take it first).
      const cas = db('mailbox_owners').where({ agency_code: f.agency_code });
      if (f.owner === null) cas.whereNull('owner');
      else cas.where({ owner: f.owner, owner_until: f.owner_until });
      if ((await cas.update({ owner: me, owner_until: until, claimed_at: at })) === 1) count++;
    }
  }
  const owned = await ownedBy(db, me);
  return { owned, gained: owned.filter(c => !before.has(c)), lost: [...before].filter(c => !owned.includes(c)), live, share };
}

async function ownedBy(db: Db, me: string): Promise<string[]> {
  return (await db('mailbox_owners').where({ owner: me }).orderBy('agency_code').select('agency_code')).map(r => String(r.agency_code));
}

/**
 * A worker that stops cleanly gives its mailboxes back at once and is marked gone (its row
 * expired, so a cycle lease it might still hold is free for the others at once).
 */
export async function retireWorker(db: Db, me: string, now: Date): Promise<void> {
  await db('mailbox_owners').where({ owner: me }).update({ owner: null, owner_until: null });
  const gone = iso(new Date(now.getTime() - 1));
  await db('workers').where({ id: me }).update({ heartbeat_at: gone, expires_at: gone });
}

/** Rows of workers dead for over an hour are dropped (a crashed process leaves its row behind). */
export async function forgetDeadWorkers(db: Db, now: Date): Promise<number> {
  return db('workers').where('expires_at', '<', iso(new Date(now.getTime() - 3_600_000))).delete();
}

export type WorkerRow = { id: string; host: string; pid: number; role: string; started_at: string; heartbeat_at: string; expires_at: string };

export type MailboxStatusRow = {
  agency_code: string;
  owner: string | null;
  owner_until: string | null;
  folder: string | null;
  lease_owner: string | null;
  last_cycle_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
};

/** Who owns what (the `status` command and the health page): the workers, and each mailbox's owner and last cycle. */
export async function workersStatus(db: Db): Promise<{ workers: WorkerRow[]; mailboxes: MailboxStatusRow[] }> {
  const workers: WorkerRow[] = await db('workers').orderBy('started_at').select('id', 'host', 'pid', 'role', 'started_at', 'heartbeat_at', 'expires_at');
  const mailboxes: MailboxStatusRow[] = await db('agencies')
    .where('agencies.kind', 'hosted')
    .leftJoin('mailbox_owners', 'mailbox_owners.agency_code', 'agencies.code')
    .leftJoin('mailbox_state', 'mailbox_state.agency_code', 'agencies.code')
    .orderBy('agencies.code')
    .select(
      'agencies.code as agency_code',
      'mailbox_owners.owner',
      'mailbox_owners.owner_until',
      'mailbox_state.folder',
      'mailbox_state.lease_owner',
      'mailbox_state.last_cycle_at',
      'mailbox_state.last_success_at',
      'mailbox_state.last_error',
      'mailbox_state.last_error_at',
    );
  return { workers, mailboxes };
}
