import type { Db } from './connect.js';

export type MailboxState = { uidvalidity: number | null; lastUid: number };

/**
 * Take the single-worker lease of a mailbox (docs/mail.md §Intake order: never two workers on one mailbox, also
 * across processes). Compare-and-set: the row is taken only if free, expired, or already ours.
 */
export async function acquireLease(
  db: Db,
  agencyCode: string,
  folder: string,
  owner: string,
  now: Date,
  ttlMs: number,
  isOwnerDead: (owner: string) => boolean = () => false,
): Promise<boolean> {
  const until = new Date(now.getTime() + ttlMs).toISOString();
  const take = (stale: string | null) =>
    db('mailbox_state')
      .where({ agency_code: agencyCode, folder })
      .andWhere(q => {
        q.whereNull('lease_owner').orWhere('lease_owner', owner).orWhere('lease_until', '<', now.toISOString());
        if (stale) q.orWhere('lease_owner', stale);
        // A holder whose heartbeat ran out (workers.ts) is dead on any host (docs/operations.md §Workers).
        q.orWhereIn('lease_owner', db('workers').select('id').where('expires_at', '<', now.toISOString()));
      })
      .update({ lease_owner: owner, lease_until: until });
  // One statement in the usual case (the row exists and is free): every cycle of every mailbox
  // takes this lease, through the one SQLite connection (docs/operations.md §Many mailboxes).
  if ((await take(null)) === 1) return true;
  await db('mailbox_state').insert({ agency_code: agencyCode, folder, last_uid: 0 }).onConflict(['agency_code', 'folder']).ignore();
  const row = await db('mailbox_state').where({ agency_code: agencyCode, folder }).first('lease_owner');
  // A holder known to be dead (a crashed process on this host) loses its lease at once.
  const stale: string | null = row?.lease_owner && row.lease_owner !== owner && isOwnerDead(row.lease_owner) ? row.lease_owner : null;
  return (await take(stale)) === 1;
}

/**
 * The heartbeat (src/schedule/heartbeat.ts) keeps the leases of this worker's running cycles:
 * each runs `ttlMs` from now again, so a cycle longer than the lease keeps it
 * (docs/operations.md §Workers). Returns how many were renewed.
 */
export async function renewLeases(db: Db, owner: string, now: Date, ttlMs: number): Promise<number> {
  return db('mailbox_state')
    .where({ lease_owner: owner })
    .andWhere('lease_until', '>=', now.toISOString())
    .update({ lease_until: new Date(now.getTime() + ttlMs).toISOString() });
}

/** Lease owners are `host:pid:random`; on this host, a pid that no longer runs is a dead owner. */
export function deadOnThisHost(hostname: string): (owner: string) => boolean {
  return owner => {
    const [host, pid] = owner.split(':');
    if (host !== hostname || !pid || !/^\d+$/.test(pid)) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
}

/**
 * Give the lease back (only if still ours), and note how the cycle ended: its last error, or the
 * time of the last cycle that ended without one (the operator's health page shows both).
 */
export async function releaseLease(db: Db, agencyCode: string, folder: string, owner: string, now: Date, outcome: { error?: string } = {}): Promise<void> {
  const at = now.toISOString();
  const health = outcome.error ? { last_error: outcome.error.slice(0, 2000), last_error_at: at } : { last_success_at: at };
  await db('mailbox_state')
    .where({ agency_code: agencyCode, folder, lease_owner: owner })
    .update({ lease_owner: null, lease_until: null, last_cycle_at: at, ...health });
}

/** Current UIDVALIDITY and last UID seen. */
export async function getMailboxState(db: Db, agencyCode: string, folder: string): Promise<MailboxState> {
  const row = await db('mailbox_state').where({ agency_code: agencyCode, folder }).first('uidvalidity', 'last_uid');
  return { uidvalidity: row?.uidvalidity == null ? null : Number(row.uidvalidity), lastUid: Number(row?.last_uid ?? 0) };
}

/** Record UIDVALIDITY and the highest UID seen. */
export async function saveMailboxState(db: Db, agencyCode: string, folder: string, state: MailboxState): Promise<void> {
  await db('mailbox_state').where({ agency_code: agencyCode, folder }).update({ uidvalidity: state.uidvalidity, last_uid: state.lastUid });
}
