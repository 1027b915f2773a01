import type { HostedAgency } from '../config/schema.js';
import { runCycle, type CycleDeps, type CycleStage } from '../cycle.js';
import { describeError } from '../errors.js';

/** What one trigger asks for: some stages (default all), the intake of some mailboxes (default all). */
export type CycleRequest = { only?: readonly CycleStage[]; agencies?: readonly HostedAgency[] };

/** Ask for a cycle; resolves when a run covering the request has finished. */
export type CycleTrigger = (req?: CycleRequest) => Promise<void>;

/** Two requests as one: the union of their stages and of their mailboxes (undefined = all). */
export function mergeRequests(a: CycleRequest, b: CycleRequest): CycleRequest {
  const only = a.only && b.only ? [...new Set([...a.only, ...b.only])] : undefined;
  const agencies = a.agencies && b.agencies ? [...new Map([...a.agencies, ...b.agencies].map(x => [x.code, x])).values()] : undefined;
  return { only, agencies };
}

/**
 * The service's one runner of cycles (src/cycle.ts): the cron schedules and the IDLE listeners
 * trigger it with the stages they want. One run at a time in this process; what is asked meanwhile
 * is merged into one next run, so no trigger is lost and no two outbox passes overlap.
 */
export function cycleRunner(
  deps: CycleDeps,
  onErrors: (errors: string[]) => void = () => undefined,
  opts: {
    /** The mailboxes this worker serves now (docs/operations.md §Workers): a request's mailboxes (all when none) narrowed to these. */
    scope?: (agencies: readonly HostedAgency[] | undefined) => HostedAgency[];
  } = {},
): CycleTrigger {
  let running = false;
  let pending: { req: CycleRequest; waiters: Array<() => void> } | null = null;
  const drain = async (req: CycleRequest, waiters: Array<() => void>): Promise<void> => {
    running = true;
    try {
      const agencies = opts.scope ? opts.scope(req.agencies) : req.agencies ? [...req.agencies] : undefined;
      const report = await runCycle(deps, { only: req.only, agencies });
      if (report.errors.length) onErrors(report.errors);
    } catch (err) {
      onErrors([describeError(err)]);
    } finally {
      for (const w of waiters) w();
      const next = pending;
      pending = null;
      running = false;
      if (next) void drain(next.req, next.waiters);
    }
  };
  return (req = {}) =>
    new Promise<void>(resolve => {
      if (!running) void drain(req, [resolve]);
      else pending = pending ? { req: mergeRequests(pending.req, req), waiters: [...pending.waiters, resolve] } : { req, waiters: [resolve] };
    });
}
