import type { HostedAgency } from '../config/schema.js';

/** Why a mailbox's run is asked for: `announced` = its IDLE listener saw new mail; `poll` = a schedule, a poll, the start or a claim. */
export type RunLane = 'announced' | 'poll';

type Waiter = { code: string; lane: RunLane; go: () => void };

/**
 * The intake of each mailbox, several mailboxes at a time (docs/operations.md §Workers): at most
 * `concurrency` run at once; one mailbox never runs twice at once in this process (the mailbox
 * lease lets its owner in again, so this is what keeps one worker's triggers apart), and a trigger
 * that comes while its mailbox runs is one more run after it, never lost. A mailbox's run starts
 * as soon as a place is free, not after the others' whole cycle.
 *
 * Two lanes (docs/operations.md §Many mailboxes): a free place goes first to a mailbox whose IDLE
 * listener announced mail, then to the polls; a poll already waiting is moved up when its mailbox
 * announces mail. So that polled mailboxes are not starved by a steady stream of announced mail,
 * after `passLimit` announced runs in a row have passed a waiting poll, the poll gets the next place.
 */
export function mailboxQueue(
  concurrency: number,
  run: (agency: HostedAgency, lane: RunLane) => Promise<void>,
  opts: { passLimit?: number } = {},
): { run(agency: HostedAgency, lane?: RunLane): Promise<void>; drain(): Promise<void>; waiting(): Record<RunLane, number> } {
  const passLimit = opts.passLimit ?? Math.max(1, concurrency * 2);
  const state = new Map<string, { running: Promise<void>; again: Promise<void> | null; lane: RunLane; againLane: RunLane }>();
  let active = 0;
  let passed = 0;
  const lines: Record<RunLane, Waiter[]> = { announced: [], poll: [] };
  const nextWaiter = (): Waiter | undefined => {
    if (lines.poll.length && (passed >= passLimit || !lines.announced.length)) {
      passed = 0;
      return lines.poll.shift();
    }
    const w = lines.announced.shift();
    if (w && lines.poll.length) passed++;
    return w;
  };
  /** Places kept for a mailbox's next run (see `start`). */
  const kept = new Map<string, () => void>();
  const slot = async (w: Waiter): Promise<() => void> => {
    const own = kept.get(w.code);
    if (own) {
      kept.delete(w.code);
      return own;
    }
    if (active >= concurrency) await new Promise<void>(r => lines[w.lane].push({ ...w, go: r }));
    else active++;
    return () => {
      const next = nextWaiter();
      if (next) next.go(); // the slot passes on as it is
      else active--;
    };
  };
  /** Move a mailbox's waiting poll to the announced lane (its place among the announced is now). */
  const promote = (code: string) => {
    const i = lines.poll.findIndex(w => w.code === code);
    if (i >= 0) lines.announced.push({ ...lines.poll.splice(i, 1)[0]!, lane: 'announced' });
  };
  const start = (agency: HostedAgency, lane: RunLane): Promise<void> => {
    const entry = { running: null as unknown as Promise<void>, again: null as Promise<void> | null, lane, againLane: 'poll' as RunLane };
    entry.running = (async () => {
      const release = await slot({ code: agency.code, lane, go: () => undefined });
      try {
        await run(agency, entry.lane);
      } finally {
        // Mail announced while it ran, and no other announced mail waiting: its next run keeps the
        // place (it starts once this run has settled; a poll waiting would otherwise take it first).
        if (entry.again && entry.againLane === 'announced' && !lines.announced.length) kept.set(agency.code, release);
        else release();
      }
    })();
    state.set(agency.code, entry);
    const cleanup = () => {
      if (state.get(agency.code) === entry && !entry.again) state.delete(agency.code);
    };
    void entry.running.then(cleanup, cleanup);
    return entry.running;
  };
  return {
    run: (agency, lane = 'poll') => {
      const cur = state.get(agency.code);
      if (!cur) return start(agency, lane);
      if (lane === 'announced') {
        cur.againLane = 'announced';
        // Still waiting for a place: it moves up, and it will take the announced mail in.
        if (cur.lane === 'poll' && lines.poll.some(w => w.code === agency.code)) {
          cur.lane = 'announced';
          promote(agency.code);
          return cur.running;
        }
      }
      // Running: one more run after it, shared by every trigger that comes meanwhile (in the
      // announced lane if any of them announced mail).
      cur.again ??= cur.running.catch(() => undefined).then(() => start(agency, cur.againLane));
      return cur.again;
    },
    /** Resolves when every run asked for so far has ended. */
    async drain() {
      while (state.size) await Promise.all([...state.values()].map(e => (e.again ?? e.running).catch(() => undefined)));
    },
    /** How many runs wait for a place, by lane (status, tests). */
    waiting: () => ({ announced: lines.announced.length, poll: lines.poll.length }),
  };
}
