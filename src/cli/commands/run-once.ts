import { parseArgs } from 'node:util';
import { runCycle } from '../../cycle.js';
import { BridgeError } from '../../errors.js';
import { startHeartbeat } from '../../schedule/heartbeat.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `run --once`: one gateway cycle (src/cycle.ts) for every mailbox, then exit. */
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
      // The heartbeat renews the leases of the mailboxes in a cycle, however long (docs/operations.md §Workers).
      const heartbeat = startHeartbeat(app, { role: 'once' });
      await heartbeat.tick();
      const report = await runCycle(app, { agencies }).finally(() => heartbeat.stop());
      if (values.json) printJson(ctx, report);
      else {
        for (const r of report.intake) {
          const registered = r.processed.filter(p => p.outcome === 'registered' || p.outcome === 'held').length;
          println(ctx.stdout, `${r.agency}: ${r.listed} in inbox, ${registered} registered, ${r.processed.length - registered} other, ${r.duplicates} duplicate, ${r.failed.length} failed, ${r.moved} moved${r.skipped ? ' (skipped: ' + r.skipped + ')' : ''}`);
        }
        const { reconcile, outbox } = report;
        if (reconcile) println(ctx.stdout, `reconcile: ${reconcile.reports.matched} matched, ${reconcile.reports.duplicate} duplicate, ${reconcile.reports.orphan} orphan, ${reconcile.recalls.cancelled} recalls`);
        println(ctx.stdout, `outbox: ${outbox.sent} sent, ${outbox.deferred} deferred, ${outbox.failed} failed`);
        for (const e of report.errors) println(ctx.stderr, `error: ${e}`);
      }
      return report.errors.length ? 1 : 0;
    });
  },
};
