import { pendingReports, reportFailed } from '../db/reconcile.js';
import { describeError } from '../errors.js';
import type { OutgoingDeps } from '../outbound/deps.js';
import { reconcileIncomingRecall } from './incoming-recall.js';
import { recordSends } from './record-sends.js';
import { reconcileReport } from './reports.js';

export type ReconcileRunReport = {
  sends: { sent: number; failed: number };
  reports: { matched: number; orphan: number; duplicate: number; failed: number };
  recalls: { cancelled: number; orphan: number; duplicate: number; waiting: number };
};

/**
 * Reconciliation (docs/status-codes.md §Matching reports), top to bottom:
 *   1. sends     outbox results → recipient events: sent, bounced (5xx at RCPT/DATA), expired
 *   2. reports   each pending inbound report (status, DSN, MDN, reply): raw mail → observe →
 *                match (Message-ID, ENVID, Original-Message-ID, In-Reply-To/References,
 *                ResponseFor, subject guess) → apply to the recipient state machine      (reports.ts)
 *   3. recalls   a peer's recall of a document we received: cancel the entry, tell the clerk,
 *                answer 15; one that overtook its document waits a day   (incoming-recall.ts)
 * Every report ends matched, duplicate or orphan (never dropped); one that throws stays pending,
 * its attempt counted, and is tried again on the next run.
 */
export async function runReconcile(deps: OutgoingDeps, opts: { agencyCode?: string } = {}): Promise<ReconcileRunReport> {
  const out: ReconcileRunReport = { sends: await recordSends(deps), reports: { matched: 0, orphan: 0, duplicate: 0, failed: 0 }, recalls: { cancelled: 0, orphan: 0, duplicate: 0, waiting: 0 } };
  for (const report of await pendingReports(deps.db, { agencyCode: opts.agencyCode, limit: 500 })) {
    try {
      if (report.kind === 'recall') {
        const r = await reconcileIncomingRecall(deps, report);
        out.recalls[r.state === 'matched' ? 'cancelled' : r.state]++;
      } else {
        const r = await reconcileReport(deps, report);
        out.reports[r.state]++;
      }
    } catch (err) {
      out.reports.failed++;
      await reportFailed(deps.db, report.id, describeError(err));
      deps.log.error('JOB_FAILED', { job: 'reconcile', report: report.id, error: describeError(err) });
    }
  }
  deps.log.info('RECONCILE_CYCLE', { sends: out.sends, reports: out.reports, recalls: out.recalls });
  return out;
}
