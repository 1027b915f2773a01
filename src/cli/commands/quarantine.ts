import { parseArgs } from 'node:util';
import { getQuarantine, listQuarantine, type QuarantineState } from '../../db/quarantine.js';
import { BridgeError } from '../../errors.js';
import { closeQuarantined, retryQuarantined } from '../../inbound/quarantine-actions.js';
import { printJson, println, type CliContext, type Command } from '../command.js';
import { withApp } from '../with-app.js';

const STATES = ['open', 'retried', 'released', 'discarded'];

function idArg(argv: string[], usage: string): { id: number; json: boolean } {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const id = Number(positionals[0]);
  if (!Number.isInteger(id)) throw new BridgeError('USAGE', `usage: edoc-bridge ${usage}`);
  return { id, json: !!values.json };
}

/** `quarantine list`. */
export const quarantineListCommand: Command = {
  path: ['quarantine', 'list'],
  summary: 'List quarantined mails (default: open ones)',
  usage: 'quarantine list [--state open|retried|released|discarded|all] [--agency CODE] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { state: { type: 'string', default: 'open' }, agency: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    if (values.state !== 'all' && !STATES.includes(values.state!)) throw new BridgeError('USAGE', `--state must be one of ${STATES.join(', ')}, all`);
    return withApp(ctx, async app => {
      const rows = await listQuarantine(app.db, { state: values.state === 'all' ? undefined : (values.state as QuarantineState), agencyCode: values.agency });
      if (values.json) printJson(ctx, rows);
      else if (rows.length === 0) println(ctx.stdout, 'quarantine is empty');
      else for (const r of rows) println(ctx.stdout, `${r.id}\t${r.state}\t${r.agency_code}\t${r.reason_code}\t${r.from_address ?? '-'}\t${r.subject ?? '-'}`);
      return 0;
    });
  },
};

/** `quarantine show ID`. */
export const quarantineShowCommand: Command = {
  path: ['quarantine', 'show'],
  summary: 'Show one quarantined mail: reason, detail, raw mail location',
  usage: 'quarantine show ID [--json]',
  async run(ctx, argv) {
    const { id, json } = idArg(argv, this.usage);
    return withApp(ctx, async app => {
      const q = await getQuarantine(app.db, id);
      if (!q) throw new BridgeError('NOT_FOUND', `no quarantine entry ${id}`);
      const shown = { ...q, rawPath: app.ports.blobs.pathOf(q.raw_sha256) };
      if (json) printJson(ctx, shown);
      else for (const [k, v] of Object.entries(shown)) println(ctx.stdout, `${k}: ${v ?? ''}`);
      return 0;
    });
  },
};

function action(word: 'retry' | 'release' | 'discard', summary: string): Command {
  return {
    path: ['quarantine', word],
    summary,
    usage: `quarantine ${word} ID [--json]`,
    async run(ctx: CliContext, argv: string[]) {
      const { id, json } = idArg(argv, `quarantine ${word} ID`);
      return withApp(ctx, async app => {
        if (word === 'retry') {
          const outcome = await retryQuarantined(app, id);
          if (json) printJson(ctx, outcome);
          else println(ctx.stdout, `quarantine ${id} retried: ${outcome.outcome}${outcome.arrivalNumber ? ' (arrival number ' + outcome.arrivalNumber + ')' : ''}`);
        } else {
          await closeQuarantined(app, id, word === 'release' ? 'released' : 'discarded');
          if (json) printJson(ctx, { id, state: word === 'release' ? 'released' : 'discarded' });
          else println(ctx.stdout, `quarantine ${id} ${word === 'release' ? 'released' : 'discarded'} (raw mail kept)`);
        }
        return 0;
      });
    },
  };
}

export const quarantineRetryCommand = action('retry', 'Process a quarantined mail again from its stored raw bytes');
export const quarantineReleaseCommand = action('release', 'Hand a quarantined mail to the clerk as it is');
export const quarantineDiscardCommand = action('discard', 'Close a quarantined mail without processing (raw kept)');
