import { parseArgs } from 'node:util';
import { BridgeError } from '../../errors.js';
import { recallDocument } from '../../outbound/recall.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `recall DOC --reason`: ask every recipient to recall (thu hồi) an outgoing document (status 13). */
export const recallCommand: Command = {
  path: ['recall'],
  summary: 'Recall an outgoing document (status 13 to every recipient; tracks 15/16)',
  usage: 'recall DOC-ID|NUMBER/NOTATION --reason TEXT [--agency CODE] [--json]',
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { reason: { type: 'string' }, agency: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (!positionals[0]) throw new BridgeError('USAGE', 'recall needs a document id or number and notation');
    if (!values.reason) throw new BridgeError('USAGE', 'recall needs --reason');
    return withApp(ctx, async app => {
      const r = await recallDocument(app, positionals[0]!, values.reason!, { agencyCode: values.agency });
      if (values.json) printJson(ctx, r);
      else {
        println(ctx.stdout, `recall of ${r.numberNotation} requested from ${r.requested.length} recipient(s)`);
        for (const s of r.skipped) println(ctx.stdout, `  skipped ${s.address} (${s.status})`);
      }
      return 0;
    });
  },
};
