import { parseArgs } from 'node:util';
import { workersView } from '../../schedule/status.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `status`: the workers and who owns which mailbox, with each mailbox's last cycle (docs/operations.md §Workers). */
export const statusCommand: Command = {
  path: ['status'],
  summary: 'Show the workers, which one owns each mailbox, and each mailbox’s last cycle',
  usage: 'status [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
    return withApp(ctx, async app => {
      const view = await workersView(app.db, app.ports.clock.now());
      if (values.json) {
        printJson(ctx, view);
        return 0;
      }
      println(ctx.stdout, `workers (${view.workers.filter(w => w.alive).length} alive):`);
      if (view.workers.length === 0) println(ctx.stdout, '  none has started');
      for (const w of view.workers) println(ctx.stdout, `  ${w.id} ${w.role} ${w.alive ? 'alive' : 'gone'} heartbeat ${w.heartbeatAt} mailboxes ${w.mailboxes}`);
      println(ctx.stdout, 'mailboxes:');
      for (const m of view.mailboxes) {
        const owner = m.owner ? `${m.owner}${m.ownerAlive ? '' : ' (expired)'}` : 'nobody';
        const cycle = m.cycleBy ? ` cycle running (${m.cycleBy})` : '';
        const last = m.lastCycleAt ? `last cycle ${m.lastCycleAt}` : 'no cycle yet';
        const err = m.lastError && (!m.lastSuccessAt || (m.lastErrorAt ?? '') > m.lastSuccessAt) ? ` last error ${m.lastErrorAt}: ${m.lastError}` : '';
        println(ctx.stdout, `  ${m.agency} owner ${owner}${cycle}; ${last}${err}`);
      }
      return 0;
    });
  },
};
