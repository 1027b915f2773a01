import type { HostedAgency } from './config/schema.js';
import { describeError } from './errors.js';
import type { IntakeDeps } from './inbound/deps.js';
import { runIntakeCycle, type IntakeReport } from './inbound/pipeline.js';
import { scanDropFolders, type DropResult } from './outbound/drop-folder.js';
import { resumeSubmissions } from './outbound/finish-submission.js';
import { runOutbox, type OutboxDeps, type OutboxRunReport } from './outbound/send-outbox.js';
import type { SubmitDeps } from './outbound/submit.js';
import { runOverdue } from './reconcile/overdue.js';
import { runReconcile, type ReconcileRunReport } from './reconcile/pipeline.js';
import { recordSends } from './reconcile/record-sends.js';

/** What a cycle runs on: the App (every pipeline's deps). */
export type CycleDeps = IntakeDeps & SubmitDeps & OutboxDeps;

/** One gateway cycle's results, stage by stage; `errors` names each stage (or mailbox) that failed. */
export type CycleReport = {
  intake: IntakeReport[];
  submissions?: { resumed: { finished: number; failed: number }; dropped: DropResult[] };
  reconcile?: ReconcileRunReport;
  overdue?: { lateSends: number; overdue: number };
  outbox: OutboxRunReport;
  sends?: { sent: number; failed: number };
  errors: string[];
};

export type CycleStage = 'intake' | 'submissions' | 'reconcile' | 'overdue' | 'outbox' | 'record-sends';

/** Mailboxes taken in at once when a cycle covers many (`run --once`): ONCE_LANES_PER_PLACE × `workers.cycleConcurrency`, never more than the smallest IMAP budget. */
export function onceLanes(config: CycleDeps['config']): number {
  const budgets = [config.connections.imapPerHost, ...Object.values(config.connections.hosts).map(h => h.imap ?? config.connections.imapPerHost)];
  return Math.max(1, Math.min(config.workers.cycleConcurrency * ONCE_LANES_PER_PLACE, ...budgets));
}
const ONCE_LANES_PER_PLACE = 4;

type Stage = { name: CycleStage; run(deps: CycleDeps, agencies: HostedAgency[], report: CycleReport): Promise<void> };

/**
 * The stages of a cycle, in their order:
 *   intake        each hosted mailbox (inbound/pipeline.ts); a failing mailbox does not stop the others
 *   submissions   documents a crash left numbered but not queued are finished; drop folders are scanned
 *   reconcile     the sends recorded, then every pending report matched and applied (reconcile/pipeline.ts)
 *   overdue       late sends and receipts past their deadline raise alerts (reconcile/overdue.ts)
 *   outbox        what is due is sent (answers of this cycle's intake included)
 *   record-sends  this pass's sends become recipient events at once
 */
export const CYCLE_STAGES: readonly Stage[] = [
  {
    name: 'intake',
    // Several mailboxes at a time, each connection within its host's IMAP budget (docs/operations.md
    // §Workers); the reports keep the mailboxes' order. Over many mailboxes (`run --once`; the
    // service runs one at a time here) the places are `onceLanes`: no IDLE listener needs the IMAP
    // slots, and the mailboxes' network waits overlap (docs/operations.md §Many mailboxes).
    run: async (deps, agencies, report) => {
      const results: Array<IntakeReport | { error: string }> = [];
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < agencies.length; i = next++) {
          try {
            results[i] = await runIntakeCycle(deps, agencies[i]!);
          } catch (err) {
            results[i] = { error: `${agencies[i]!.code}: ${describeError(err)}` };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(onceLanes(deps.config), agencies.length) }, lane));
      for (const r of results) {
        if ('error' in r) report.errors.push(r.error);
        else report.intake.push(r);
      }
    },
  },
  { name: 'submissions', run: async (deps, _a, report) => void (report.submissions = { resumed: await resumeSubmissions(deps), dropped: await scanDropFolders(deps) }) },
  { name: 'reconcile', run: async (deps, _a, report) => void (report.reconcile = await runReconcile(deps)) },
  { name: 'overdue', run: async (deps, _a, report) => void (report.overdue = await runOverdue(deps)) },
  { name: 'outbox', run: async (deps, _a, report) => void (report.outbox = await runOutbox(deps)) },
  { name: 'record-sends', run: async (deps, _a, report) => void (report.sends = await recordSends(deps)) },
];

/**
 * One gateway cycle: the only definition of one. `run --once`, the service's scheduled cycle and
 * the tests call it; `only` runs a subset of the stages, still in this order (the service's
 * outbox-only and reconcile-only schedules), `agencies` limits the intake to some mailboxes.
 * A stage that throws is reported in `errors` and the next stage still runs.
 */
export async function runCycle(deps: CycleDeps, opts: { agencies?: HostedAgency[]; only?: readonly CycleStage[] } = {}): Promise<CycleReport> {
  const report: CycleReport = { intake: [], outbox: { sent: 0, deferred: 0, failed: 0 }, errors: [] };
  const agencies = opts.agencies ?? deps.config.agencies;
  for (const stage of CYCLE_STAGES) {
    if (opts.only && !opts.only.includes(stage.name)) continue;
    try {
      await stage.run(deps, agencies, report);
    } catch (err) {
      report.errors.push(`${stage.name}: ${describeError(err)}`);
    }
  }
  return report;
}
