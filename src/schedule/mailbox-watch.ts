import type { App } from '../app.js';
import type { HostedAgency } from '../config/schema.js';
import { describeError } from '../errors.js';
import type { Mailbox } from '../io/imap.js';
import type { RunLane } from './mailbox-queue.js';
import { realTimers, type Timers } from './timers.js';

type Watch = {
  agency: HostedAgency;
  /** idle: a listener runs; paused: its cycle holds the mailbox; poll: no IDLE, own schedule. */
  mode: 'idle' | 'paused' | 'poll' | 'starting';
  /** Why it is polled: IDLE off in the config, not offered by the server, or no budget. */
  reason?: 'config' | 'unsupported' | 'budget';
  stop?: () => Promise<void>;
  lend?: () => Promise<Mailbox | null>;
  exists?: () => number | undefined;
  release?: () => void;
  cancelPoll?: () => void;
  cancelStart?: () => void;
  uidNext?: number;
  pauses: number;
};

export type MailboxWatchers = {
  /** Start watching an owned mailbox, after `delayMs` (the start is staggered). */
  add(agency: HostedAgency, delayMs?: number): void;
  /** Stop watching a mailbox given up. */
  remove(code: string): Promise<void>;
  /** The IDLE listener's connection for the mailbox's cycle, or null when it is not listening now. */
  lend(code: string): Promise<Mailbox | null>;
  /** The inbox's message count as its IDLE listener knows it; undefined when not listening now. */
  inboxCount(code: string): number | undefined;
  /** Close the mailbox's IDLE connection before its cycle opens one (when it cannot lend it: one connection per mailbox). */
  pause(code: string): Promise<void>;
  /** Its cycle is over (it saw the inbox's `uidNext`): IDLE again; newer mail asks for another cycle. */
  resume(code: string, uidNext?: number): void;
  /** How each watched mailbox is served now (status, tests). */
  modes(): Record<string, string>;
  stopAll(): Promise<void>;
};

/**
 * The IDLE listeners of the mailboxes this worker owns (docs/mail.md §IDLE and polling,
 * docs/operations.md §Workers). Each takes a slot of its host's IMAP budget without waiting, and
 * leaves `workers.cycleConcurrency` slots to the cycles; a mailbox without IDLE (off, not offered:
 * IDLE_UNSUPPORTED, or no slot: IDLE_NO_BUDGET) is polled every `imap.pollSeconds` instead, and a
 * budget-less one tries IDLE again at each poll.
 */
export function mailboxWatchers(app: Pick<App, 'config' | 'ports' | 'connections'>, trigger: (agency: HostedAgency, why: RunLane) => void, timers: Timers = realTimers): MailboxWatchers {
  const { log } = app.ports;
  const watches = new Map<string, Watch>();
  const idleOn = new Map<string, number>();
  const budget = app.connections.imap;
  const reserve = (host: string) => Math.min(app.config.workers.cycleConcurrency, budget.limit(host));

  const poll = (w: Watch, reason: NonNullable<Watch['reason']>) => {
    w.mode = 'poll';
    w.reason = reason;
    w.cancelPoll?.();
    w.cancelPoll = timers.every(w.agency.imap.pollSeconds * 1000, () => {
      if (watches.get(w.agency.code) !== w) return;
      if (w.reason === 'budget' && w.pauses === 0) startIdle(w);
      trigger(w.agency, 'poll');
    });
  };

  const startIdle = (w: Watch) => {
    const { agency } = w;
    const host = agency.imap.host;
    if (!agency.imap.idle) return poll(w, 'config');
    const slots = idleOn.get(host) ?? 0;
    const release = slots < budget.limit(host) - reserve(host) ? budget.tryAcquire(host) : null;
    if (!release) {
      if (w.reason !== 'budget') log.warn('IDLE_NO_BUDGET', { agency: agency.code, host, budget: budget.limit(host), pollSeconds: agency.imap.pollSeconds });
      return poll(w, 'budget');
    }
    w.cancelPoll?.();
    w.cancelPoll = undefined;
    w.reason = undefined;
    w.mode = 'idle';
    idleOn.set(host, slots + 1);
    let released = false;
    w.release = () => {
      if (released) return;
      released = true;
      idleOn.set(host, (idleOn.get(host) ?? 1) - 1);
      release();
    };
    const watch = app.ports.watchMailbox(
      agency,
      agency.folders.inbox,
      () => {
        log.debug('IDLE_EXISTS', { agency: agency.code });
        trigger(agency, 'announced');
      },
      err => log.warn('IDLE_ERROR', { agency: agency.code, error: describeError(err) }),
      {
        ready: ({ uidNext }) => {
          // Mail that came while the listener was down (its cycle ran, or it reconnected): one more cycle.
          if (w.uidNext !== undefined && uidNext !== w.uidNext) trigger(agency, 'announced');
          w.uidNext = uidNext;
          log.info('IDLE_START', { agency: agency.code });
        },
        unsupported: () => {
          w.release?.();
          if (watches.get(agency.code) !== w || w.mode !== 'idle') return;
          log.warn('IDLE_UNSUPPORTED', { agency: agency.code, host, pollSeconds: agency.imap.pollSeconds });
          poll(w, 'unsupported');
        },
      },
    );
    w.lend = () => watch.lend();
    w.exists = () => watch.exists?.();
    w.stop = async () => {
      try {
        await watch.stop();
      } finally {
        w.release?.();
      }
    };
  };

  const halt = async (w: Watch) => {
    w.cancelStart?.();
    w.cancelPoll?.();
    w.cancelPoll = undefined;
    const stop = w.stop;
    w.stop = undefined;
    w.lend = undefined;
    w.exists = undefined;
    await stop?.();
  };

  return {
    add(agency, delayMs = 0) {
      if (watches.has(agency.code)) return;
      const w: Watch = { agency, mode: 'starting', pauses: 0 };
      watches.set(agency.code, w);
      const go = () => {
        w.cancelStart = undefined;
        if (watches.get(agency.code) === w && w.mode === 'starting') startIdle(w);
      };
      if (delayMs > 0) w.cancelStart = timers.after(delayMs, go);
      else go();
    },
    async remove(code) {
      const w = watches.get(code);
      if (!w) return;
      watches.delete(code);
      await halt(w);
    },
    async lend(code) {
      const w = watches.get(code);
      if (!w || w.mode !== 'idle' || !w.lend) return null;
      return w.lend();
    },
    inboxCount(code) {
      const w = watches.get(code);
      return w?.mode === 'idle' ? w.exists?.() : undefined;
    },
    async pause(code) {
      const w = watches.get(code);
      if (!w) return;
      w.pauses++;
      if (w.mode === 'starting') {
        w.cancelStart?.();
        w.mode = 'paused';
      }
      if (w.mode !== 'idle') return;
      w.mode = 'paused';
      const stop = w.stop;
      w.stop = undefined;
      w.lend = undefined;
      w.exists = undefined;
      await stop?.();
    },
    resume(code, uidNext) {
      const w = watches.get(code);
      if (!w || w.pauses === 0) return;
      if (uidNext !== undefined) w.uidNext = uidNext;
      w.pauses--;
      if (w.pauses === 0 && w.mode === 'paused') startIdle(w);
    },
    modes: () => Object.fromEntries([...watches].map(([code, w]) => [code, w.mode === 'poll' ? `poll:${w.reason}` : w.mode])),
    async stopAll() {
      const all = [...watches.values()];
      watches.clear();
      await Promise.all(all.map(halt));
    },
  };
}
