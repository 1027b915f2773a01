import { pendingReports, reportFailed, type PendingReport } from '../db/reconcile.js';
import { describeError } from '../errors.js';
import { parseMail } from '../mail/parse.js';
import type { ParsedMail } from '../mail/types.js';
import type { Deps } from '../ports.js';
import { reconcileIncomingRecall } from './incoming-recall.js';
import { reconcileReport } from './outgoing-report.js';
import { recordSends } from './record-sends.js';

export type ReconcileRunReport = {
  sends: { sent: number; failed: number };
  reports: { matched: number; orphan: number; duplicate: number; failed: number };
  recalls: { cancelled: number; orphan: number; duplicate: number; waiting: number };
};

type Route = (deps: Deps, report: PendingReport, mail: ParsedMail, out: ReconcileRunReport) => Promise<void>;

/** A report about one of our outgoing documents: observe → match → apply (outgoing-report.ts). */
const outgoing: Route = async (deps, report, mail, out) => {
  out.reports[(await reconcileReport(deps, report, mail)).state]++;
};

/**
 * Where each kind of report goes (the kinds intake keeps: src/inbound/routes.ts). A peer's recall
 * is about a document we received; every other kind is about a document we sent.
 */
export const ROUTES: Readonly<Record<string, Route>> = {
  recall: async (deps, report, mail, out) => {
    const r = await reconcileIncomingRecall(deps, report, mail);
    out.recalls[r.state === 'matched' ? 'cancelled' : r.state]++;
  },
  status: outgoing,
  'delivery-report': outgoing,
  'read-receipt': outgoing,
  reply: outgoing,
};

/**
 * Reconciliation (docs/status-codes.md §Matching reports), top to bottom:
 *   1. sends     outbox results → recipient events: sent, bounced (5xx at RCPT/DATA), expired
 *   2. reports   each pending inbound report: its raw mail read again and parsed, then its ROUTE:
 *                outgoing-report.ts (observe → match → apply to the recipient state machine) or
 *                incoming-recall.ts (cancel the entry, tell the clerk, answer 15; a recall that
 *                overtook its document waits a day)
 * Every report ends matched, duplicate or orphan (never dropped); one that throws stays pending,
 * its attempt counted, and is tried again on the next run.
 */
export async function runReconcile(deps: Deps, opts: { agencyCode?: string } = {}): Promise<ReconcileRunReport> {
  const out: ReconcileRunReport = { sends: await recordSends(deps), reports: { matched: 0, orphan: 0, duplicate: 0, failed: 0 }, recalls: { cancelled: 0, orphan: 0, duplicate: 0, waiting: 0 } };
  for (const report of await pendingReports(deps.db, { agencyCode: opts.agencyCode, limit: 500 })) {
    try {
      const route = ROUTES[report.kind] ?? outgoing;
      await route(deps, report, await parseMail(await deps.ports.blobs.get(report.raw_sha256)), out);
    } catch (err) {
      out.reports.failed++;
      await reportFailed(deps.db, report.id, describeError(err));
      deps.ports.log.error('JOB_FAILED', { job: 'reconcile', report: report.id, error: describeError(err) });
    }
  }
  deps.ports.log.info('RECONCILE_CYCLE', { sends: out.sends, reports: out.reports, recalls: out.recalls });
  return out;
}
