import { parseArgs } from 'node:util';
import { listTokens } from '../../db/tokens.js';
import { BridgeError } from '../../errors.js';
import { createToken, revoke } from '../../web/auth/tokens.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';
import { auditCli, cliActor } from './users.js';

/** `tokens create`: an API bearer token for one hosted agency, printed once. */
export const tokensCreateCommand: Command = {
  path: ['tokens', 'create'],
  summary: 'Create an API bearer token for one hosted agency (printed once; only its hash is kept)',
  usage: 'tokens create --agency CODE --name TEXT [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { agency: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    if (!values.agency || !values.name) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    return withApp(ctx, async app => {
      if (!app.config.agencies.some(a => a.code === values.agency)) throw new BridgeError('USAGE', `${values.agency} is not a hosted agency (config: agencies[].code)`);
      const { id, token } = await createToken(app.db, values.agency!, values.name!, cliActor(), app.ports.clock.now());
      await auditCli(app, 'TOKEN_CREATED', { type: 'token', id, agency: values.agency }, { name: values.name });
      if (values.json) printJson(ctx, { id, agency: values.agency, name: values.name, token });
      else {
        println(ctx.stdout, `token ${id} for ${values.agency} (${values.name}):`);
        println(ctx.stdout, token);
        println(ctx.stdout, 'Shown once: store it now. Use it as "Authorization: Bearer <token>".');
      }
      return 0;
    });
  },
};

/** `tokens list`. */
export const tokensListCommand: Command = {
  path: ['tokens', 'list'],
  summary: 'List API tokens (never the tokens themselves: their first characters)',
  usage: 'tokens list [--agency CODE] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { agency: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    return withApp(ctx, async app => {
      const rows = (await listTokens(app.db, values.agency)).map(t => ({ id: t.id, agency: t.agency_code, name: t.name, prefix: t.prefix, createdBy: t.created_by, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at }));
      if (values.json) printJson(ctx, rows);
      else if (rows.length === 0) println(ctx.stdout, 'no tokens');
      else for (const r of rows) println(ctx.stdout, `${r.id}\t${r.agency}\t${r.prefix}…\t${r.revokedAt ? 'revoked ' + r.revokedAt : 'active'}\t${r.name}`);
      return 0;
    });
  },
};

/** `tokens revoke ID`. */
export const tokensRevokeCommand: Command = {
  path: ['tokens', 'revoke'],
  summary: 'Revoke an API token (it stops working at once)',
  usage: 'tokens revoke ID',
  async run(ctx, argv) {
    const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id)) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    return withApp(ctx, async app => {
      await revoke(app.db, id, app.ports.clock.now());
      await auditCli(app, 'TOKEN_REVOKED', { type: 'token', id }, {});
      println(ctx.stdout, `token ${id} revoked`);
      return 0;
    });
  },
};
