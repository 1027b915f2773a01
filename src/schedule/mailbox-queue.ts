import type { HostedAgency } from '../config/schema.js';

/**
 * The intake of each mailbox, several mailboxes at a time (docs/operations.md §Workers): at most
 * `concurrency` run at once; one mailbox never runs twice at once in this process (the mailbox
 * lease lets its owner in again, so this is what keeps one worker's triggers apart), and a trigger
 * that comes while its mailbox runs is one more run after it, never lost. A mailbox's run starts
 * as soon as a place is free, not after the others' whole cycle.
 */
export function mailboxQueue(concurrency: number, run: (agency: HostedAgency) => Promise<void>): { run(agency: HostedAgency): Promise<void>; drain(): Promise<void> } {
  const state = new Map<string, { running: Promise<void>; again: Promise<void> | null }>();
  let active = 0;
  const line: Array<() => void> = [];
  const slot = async (): Promise<() => void> => {
    if (active >= concurrency) await new Promise<void>(r => line.push(r));
    else active++;
    return () => {
      const next = line.shift();
      if (next) next(); // the slot passes on as it is
      else active--;
    };
  };
  const start = (agency: HostedAgency): Promise<void> => {
    const running = (async () => {
      const release = await slot();
      try {
        await run(agency);
      } finally {
        release();
      }
    })();
    const entry = { running, again: null as Promise<void> | null };
    state.set(agency.code, entry);
    const cleanup = () => {
      if (state.get(agency.code) === entry && !entry.again) state.delete(agency.code);
    };
    void running.then(cleanup, cleanup);
    return running;
  };
  return {
    run: agency => {
      const cur = state.get(agency.code);
      if (!cur) return start(agency);
      // Running: one more run after it, shared by every trigger that comes meanwhile.
      cur.again ??= cur.running.catch(() => undefined).then(() => start(agency));
      return cur.again;
    },
    /** Resolves when every run asked for so far has ended. */
    async drain() {
      while (state.size) await Promise.all([...state.values()].map(e => (e.again ?? e.running).catch(() => undefined)));
    },
  };
}
