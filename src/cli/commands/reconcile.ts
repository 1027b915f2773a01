import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { BridgeError } from '../../errors.js';
import { buildReconcileReport } from '../../reconcile/tracking-report.js';
import { listReconcileLog } from '../../db/reconcile.js';
import { runReconcile } from '../../reconcile/pipeline.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `reconcile report`: every recipient of every outgoing document with its state, totals and orphans. */
export const reconcileReportCommand: Command = {
  path: ['reconcile', 'report'],
  summary: 'Per document and recipient: state, last evidence, age, overdue; totals; orphans',
  usage: 'reconcile report [--since YYYY-MM-DD] [--agency CODE] [--json|--csv]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { since: { type: 'string' }, agency: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } }, strict: true });
    if (values.since && Number.isNaN(Date.parse(values.since))) throw new BridgeError('USAGE', `--since must be a date, not ${values.since}`);
    return withApp(ctx, async app => {
      const since = values.since ? new Date(values.since.length === 10 ? `${values.since}T00:00:00+07:00` : values.since).toISOString() : undefined;
      const report = await buildReconcileReport(app.db, app.ports.clock.now(), { since, agencyCode: values.agency });
      if (values.json) printJson(ctx, report);
      else if (values.csv) {
        const head = ['Cơ quan gửi', 'Văn bản', 'Số, ký hiệu', 'Ngày', 'Nơi nhận', 'Mã nơi nhận', 'Trạng thái', 'Diễn giải', 'Mã cuối', 'Bằng chứng cuối', 'Thời điểm', 'Tuổi (giờ)', 'Hạn', 'Quá hạn'];
        const rows = report.lines.map(l => [l.agency, String(l.documentId), l.numberNotation, l.date, l.recipient, l.recipientCode ?? '', l.state, l.label, l.lastCode ?? '', l.lastEvidenceSha256 ?? '', l.lastEvidenceAt ?? '', String(l.ageHours), l.deadline ?? '', l.overdue ? 'có' : '']);
        ctx.stdout.write('\ufeff' + stringify([head, ...rows]));
      } else {
        if (report.lines.length === 0) println(ctx.stdout, 'no outgoing documents');
        for (const l of report.lines) println(ctx.stdout, `${l.numberNotation.padEnd(16)} ${l.recipient.padEnd(32)} ${l.state.padEnd(16)} ${l.lastCode ?? ''} ${l.overdue ? 'OVERDUE ' : ''}${l.lastNote ?? ''}`);
        for (const t of report.totals) println(ctx.stdout, `total ${t.agency} ${t.state}: ${t.count}`);
        for (const o of report.orphans) println(ctx.stdout, `orphan #${o.id} ${o.agency} ${o.kind} from ${o.from ?? '?'}: ${o.subject ?? ''}`);
      }
      return 0;
    });
  },
};

/** `reconcile run`: one reconciliation pass (also part of `run --once`). */
export const reconcileRunCommand: Command = {
  path: ['reconcile', 'run'],
  summary: 'Reconcile pending reports and send results once',
  usage: 'reconcile run [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
    return withApp(ctx, async app => {
      const r = await runReconcile(app);
      if (values.json) printJson(ctx, r);
      else println(ctx.stdout, `sends: ${r.sends.sent} sent, ${r.sends.failed} failed; reports: ${r.reports.matched} matched, ${r.reports.duplicate} duplicate, ${r.reports.orphan} orphan, ${r.reports.failed} failed; recalls: ${r.recalls.cancelled} cancelled`);
      return 0;
    });
  },
};

/** `reconcile log`: the operator's reconciliation log (append-only), newest first. */
export const reconcileLogCommand: Command = {
  path: ['reconcile', 'log'],
  summary: "The operator's reconciliation log: every report and send result applied, orphans included",
  usage: 'reconcile log [--since ISO] [--agency CODE] [--limit N] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { since: { type: 'string' }, agency: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    return withApp(ctx, async app => {
      const rows = await listReconcileLog(app.db, { since: values.since, agencyCode: values.agency, limit: values.limit ? Number(values.limit) : undefined });
      if (values.json) printJson(ctx, rows);
      else for (const l of rows) println(ctx.stdout, `${l.at} #${l.report_id ?? '-'} doc ${l.document_id ?? '-'} rcpt ${l.recipient_id ?? '-'} ${l.method ?? 'orphan'}${l.guess ? ' (guess)' : ''} ${l.event ?? ''} ${l.effect} ${l.from_status ?? ''}→${l.to_status ?? ''} ${l.detail ?? ''}`);
      return 0;
    });
  },
};
