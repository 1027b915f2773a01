/**
 * A connection budget per mail server host (docs/operations.md §Workers): at most `limit(host)`
 * slots taken at once; the others wait in line (first come, first served). IDLE listeners, intake
 * cycles and the outbox's SMTP connections each take one slot per connection they hold.
 */
export type HostBudget = {
  /** Wait for a slot on `host`; the returned function gives it back (once). */
  acquire(host: string): Promise<() => void>;
  /** A slot at once, or null when the host is full (IDLE listeners do not queue). */
  tryAcquire(host: string): (() => void) | null;
  /** Callers waiting for a slot on `host`. */
  queued(host: string): number;
  /** Slots taken on `host` now. */
  inUse(host: string): number;
  /** The most slots ever taken on `host` at once (status and tests). */
  peak(host: string): number;
  limit(host: string): number;
};

export function hostBudget(limitOf: (host: string) => number): HostBudget {
  const used = new Map<string, number>();
  const peaks = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  const take = (host: string): (() => void) => {
    const n = (used.get(host) ?? 0) + 1;
    used.set(host, n);
    peaks.set(host, Math.max(peaks.get(host) ?? 0, n));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = waiting.get(host)?.shift();
      used.set(host, (used.get(host) ?? 1) - 1);
      if (next) next();
    };
  };
  const budget: HostBudget = {
    tryAcquire: host => ((used.get(host) ?? 0) < limitOf(host) ? take(host) : null),
    acquire: host =>
      new Promise(resolve => {
        const now = budget.tryAcquire(host);
        if (now) return resolve(now);
        const line = waiting.get(host) ?? [];
        waiting.set(host, line);
        line.push(() => resolve(take(host)));
      }),
    queued: host => waiting.get(host)?.length ?? 0,
    inUse: host => used.get(host) ?? 0,
    peak: host => peaks.get(host) ?? 0,
    limit: limitOf,
  };
  return budget;
}
