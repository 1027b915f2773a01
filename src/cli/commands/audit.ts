/**
 * `edoc-bridge audit verify [--json]`: walk the event log's hash chain (docs/hostile-input.md
 * §Audit chain) and report the first broken link. Exit 0 when intact, 1 when broken.
 */
import { parseArgs } from 'node:util';
import { readSecret } from '../../config/load.js';
import { migrate, openDb } from '../../db/connect.js';
import { verifyChain } from '../../db/event-chain.js';
import { printJson, println, type Command } from '../command.js';

export const auditVerifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: 'Verify the event log hash chain; report the first broken link',
  usage: 'audit verify [--json]',
  async run(ctx, argv) {
    let json = false;
    try {
      json = !!parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true }).values.json;
    } catch (err) {
      println(ctx.stderr, `error: ${(err as Error).message} (usage: edoc-bridge ${auditVerifyCommand.usage})`);
      return 2;
    }
    const config = await ctx.loadConfig();
    const d = config.storage.database;
    const db = openDb(d, { password: d.passwordEnv ? readSecret(d.passwordEnv, 'storage.database.passwordEnv', ctx.env) : undefined });
    try {
      await migrate(db);
      const r = await verifyChain(db);
      if (json) printJson(ctx, r);
      else if (r.ok) println(ctx.stdout, `audit chain intact: ${r.rows} events, head ${r.head.hash} (event ${r.head.lastId})`);
      else println(ctx.stdout, `audit chain BROKEN at event ${r.firstBreak!.rowId} (${r.firstBreak!.problem}): ${r.firstBreak!.detail}; ${r.rows} events verified before it`);
      return r.ok ? 0 : 1;
    } finally {
      await db.destroy();
    }
  },
};
