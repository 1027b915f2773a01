import { parseArgs } from 'node:util';
import { openApp } from '../../app.js';
import { startService } from '../../service.js';
import type { Command } from '../command.js';

/** `start`: the service (scheduler, IDLE listeners, web app and API) until SIGTERM/SIGINT. */
export const startCommand: Command = {
  path: ['start'],
  summary: 'Run the service: scheduler, IMAP IDLE listeners, web app and API',
  usage: 'start',
  async run(ctx, argv) {
    parseArgs({ args: argv, options: {}, strict: true });
    const app = await openApp(await ctx.loadConfig(), { env: ctx.env });
    const stop = await startService(app);
    await new Promise<void>(resolve => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await stop();
    await app.close();
    return 0;
  },
};
