/** Service timers for tests: `after` runs at once, `every` (the per-mailbox polls) only when the test fires it. */
import type { Timers } from '../../src/schedule/timers.js';

export function pollTimers(): { timers: Timers; fire(ms: number): void; has(ms: number): boolean } {
  const polls: Array<{ ms: number; fn: () => void; on: boolean }> = [];
  const timers: Timers = {
    after: (_ms, fn) => (fn(), () => undefined),
    every: (ms, fn) => {
      const e = { ms, fn, on: true };
      polls.push(e);
      return () => void (e.on = false);
    },
  };
  return { timers, fire: ms => polls.filter(p => p.on && p.ms === ms).forEach(p => p.fn()), has: ms => polls.some(p => p.on && p.ms === ms) };
}
