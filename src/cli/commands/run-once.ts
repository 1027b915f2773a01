import { parseArgs } from 'node:util';
import { runIntakeCycle, type IntakeReport } from '../../inbound/pipeline.js';
import { runOutbox, type OutboxRunReport } from '../../outbound/send-outbox.js';
import { runReconcile, type ReconcileRunReport } from '../../reconcile/pipeline.js';
import { recordSends } from '../../reconcile/record-sends.js';
import { envFailpoint } from '../../failpoint.js';
import { scanDropFolders } from '../../outbound/drop-folder.js';
import { runOverdue } from '../../reconcile/overdue.js';
import { BridgeError, describeError } from '../../errors.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `run --once`: one full cycle of every pipeline for every mailbox, then exit. */
export const runOnceCommand: Command = {
  path: ['run'],
  summary: 'Run one cycle of every pipeline for every mailbox, then exit (--once)',
  usage: 'run --once [--agency CODE] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { once: { type: 'boolean' }, agency: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    if (!values.once) throw new BridgeError('USAGE', 'run needs --once (use `start` for the service)');
    return withApp(ctx, async app => {
      const agencies = app.config.agencies.filter(a => !values.agency || a.code === values.agency);
      if (agencies.length === 0) throw new BridgeError('USAGE', `no hosted agency ${values.agency}`);
      const intake: IntakeReport[] = [];
      const errors: string[] = [];
      for (const agency of agencies) {
        try {
          intake.push(await runIntakeCycle(app.intakeDeps(), agency));
        } catch (err) {
          errors.push(`${agency.code}: ${describeError(err)}`);
        }
      }
      let reconcile: ReconcileRunReport | undefined;
      try {
        await scanDropFolders(app);
        reconcile = await runReconcile(app);
        await runOverdue(app);
      } catch (err) {
        errors.push(`reconcile: ${describeError(err)}`);
      }
      let outbox: OutboxRunReport = { sent: 0, deferred: 0, failed: 0 };
      try {
        outbox = await runOutbox({ ...app.outboxDeps(), failpoint: envFailpoint(ctx.env) }, {});
        await recordSends(app); // the sends of this pass show in the register at once
      } catch (err) {
        errors.push(`outbox: ${describeError(err)}`);
      }
      if (values.json) printJson(ctx, { intake, reconcile, outbox, errors });
      else {
        for (const r of intake) {
          const registered = r.processed.filter(p => p.outcome === 'registered' || p.outcome === 'held').length;
          println(ctx.stdout, `${r.agency}: ${r.listed} in inbox, ${registered} registered, ${r.processed.length - registered} other, ${r.duplicates} duplicate, ${r.failed.length} failed, ${r.moved} moved${r.skipped ? ' (skipped: ' + r.skipped + ')' : ''}`);
        }
        if (reconcile) println(ctx.stdout, `reconcile: ${reconcile.reports.matched} matched, ${reconcile.reports.duplicate} duplicate, ${reconcile.reports.orphan} orphan, ${reconcile.recalls.cancelled} recalls`);
        println(ctx.stdout, `outbox: ${outbox.sent} sent, ${outbox.deferred} deferred, ${outbox.failed} failed`);
        for (const e of errors) println(ctx.stderr, `error: ${e}`);
      }
      return errors.length ? 1 : 0;
    });
  },
};
