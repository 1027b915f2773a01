import { hostname } from 'node:os';
import type { App } from '../app.js';
import { renewLeases } from '../db/mailbox-state.js';
import { beat, claimShare, forgetDeadWorkers, retireWorker, type ClaimResult } from '../db/workers.js';
import { describeError } from '../errors.js';
import { realTimers, type Timers } from './timers.js';

/** The intake's own lease length (src/inbound/pipeline.ts): a renewed lease runs this long again. */
export const CYCLE_LEASE_MS = 5 * 60 * 1000;

export type HeartbeatDeps = Pick<App, 'config' | 'db' | 'ports' | 'workerId'>;

export type Heartbeat = {
  /** One heartbeat now (the timer calls it; tests call it by hand). Null when the database failed. */
  tick(): Promise<ClaimResult | null>;
  /** The mailboxes this worker owns after the last heartbeat. */
  owned(): readonly string[];
  /** Stop beating; `retire` gives the mailboxes back and marks the worker gone (a clean stop). */
  stop(retire?: boolean): Promise<void>;
};

/**
 * A worker's heartbeat (docs/operations.md §Workers): every `workers.heartbeatSeconds` its row
 * says it is alive, the leases of its running intake cycles are renewed (a cycle longer than the
 * lease keeps it), and a service worker (`role: service`) takes its share of the mailboxes.
 * `onChange` hears of the mailboxes gained and lost; `busy` names those in a cycle now (kept
 * when the share shrinks, if others can go instead).
 */
export function startHeartbeat(
  deps: HeartbeatDeps,
  opts: { role: 'service' | 'once'; onChange?(r: ClaimResult): void | Promise<void>; busy?(): ReadonlySet<string>; timers?: Timers },
): Heartbeat {
  const { db, config, ports } = deps;
  const [, pid] = deps.workerId.split(':');
  const me = { id: deps.workerId, host: hostname(), pid: Number(pid) || process.pid, role: opts.role, startedAt: ports.clock.now() };
  const ttl = config.workers.leaseSeconds * 1000;
  let owned: string[] = [];
  let beats = 0;
  let inFlight: Promise<ClaimResult | null> | null = null;
  let queued: Promise<ClaimResult | null> | null = null;
  const once = async (): Promise<ClaimResult | null> => {
    try {
      const now = ports.clock.now();
      await beat(db, me, now, ttl);
      await renewLeases(db, me.id, now, CYCLE_LEASE_MS);
      if (beats++ % 720 === 0) await forgetDeadWorkers(db, now);
      if (opts.role !== 'service') return null;
      const r = await claimShare(db, me.id, config.agencies.map(a => a.code), now, ttl, opts.busy?.() ?? new Set());
      owned = r.owned;
      if (r.gained.length || r.lost.length) {
        ports.log.info('WORKER_CLAIMS', { worker: me.id, owned: r.owned.length, gained: r.gained, lost: r.lost, live: r.live, share: r.share });
        await opts.onChange?.(r);
      }
      return r;
    } catch (err) {
      ports.log.error('JOB_FAILED', { job: 'heartbeat', error: describeError(err) });
      return null;
    }
  };
  // Never two heartbeats at once: a slow database makes the next one wait, not overlap. A beat
  // asked for while one runs follows it (one at most waits), with its own later clock reading: a
  // beat dropped there could leave a dead worker's mailboxes unserved for one more period.
  const tick = (): Promise<ClaimResult | null> => {
    if (!inFlight) return (inFlight = once().finally(() => (inFlight = null)));
    return (queued ??= inFlight.then(() => {
      queued = null;
      return tick();
    }));
  };
  const cancel = (opts.timers ?? realTimers).every(config.workers.heartbeatSeconds * 1000, () => void tick());
  return {
    tick,
    owned: () => owned,
    async stop(retire = true) {
      cancel();
      await (queued ?? inFlight);
      if (retire) await retireWorker(db, me.id, ports.clock.now());
      owned = [];
    },
  };
}
