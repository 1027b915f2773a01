/**
 * Group commit for store syncs (docs/operations.md §Many mailboxes): many mailboxes' cycles each
 * sync the blob store before their mails leave the inbox, and one `syncfs` covers every file
 * written before it starts. So at most one sync runs at a time; the callers that come while it
 * runs wait for the next one, which starts when it ends and covers all of them (a sync that had
 * already started might miss what they wrote just before).
 */
export function syncBatcher<K>(sync: (keys: K[]) => Promise<void>): (keys: K[]) => Promise<void> {
  let running = false;
  let next: { keys: K[]; done: Promise<void>; settle: (p: Promise<void>) => void } | null = null;
  const start = (keys: K[]): Promise<void> => {
    running = true;
    return sync(keys).finally(() => {
      running = false;
      const queued = next;
      next = null;
      // The waiting callers' sync: their promise was handed out already, settled by this run.
      if (queued) queued.settle(start(queued.keys));
    });
  };
  return keys => {
    if (!running) return start(keys);
    if (!next) {
      let settle!: (p: Promise<void>) => void;
      const done = new Promise<void>(r => (settle = r));
      next = { keys: [], done, settle };
    }
    next.keys.push(...keys);
    return next.done;
  };
}
