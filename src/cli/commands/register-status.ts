import { parseArgs } from 'node:util';
import { BridgeError } from '../../errors.js';
import { CLERK_STEPS, isClerkStep, setEntryStatus } from '../../outbound/clerk-status.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `register status ENTRY assigned|processing|done`: move an incoming entry on and tell the sender (04/05/06). */
export const registerStatusCommand: Command = {
  path: ['register', 'status'],
  summary: 'Move an incoming entry on (assigned|processing|done) and send the sender 04/05/06',
  usage: `register status ENTRY ${Object.keys(CLERK_STEPS).join('|')} [--note TEXT] [--json]`,
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { note: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const id = Number(positionals[0]);
    const step = positionals[1] ?? '';
    if (!Number.isInteger(id)) throw new BridgeError('USAGE', 'register status needs an entry id');
    if (!isClerkStep(step)) throw new BridgeError('USAGE', `status must be one of ${Object.keys(CLERK_STEPS).join(', ')}`);
    return withApp(ctx, async app => {
      const r = await setEntryStatus(app, id, step, values.note);
      if (values.json) printJson(ctx, { entry: r.entry.id, status: r.entry.status, code: r.code, queued: r.queued });
      else println(ctx.stdout, `entry ${id} is now ${step}; status ${r.code} ${r.queued ? 'queued for ' + r.entry.sender_address : 'not sent (no sender)'}`);
      return 0;
    });
  },
};
