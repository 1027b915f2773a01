import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { App } from '../../app.js';
import { listAccounts } from '../../db/accounts.js';
import { appendEvent } from '../../db/events.js';
import type { EventCode } from '../../events.js';
import { BridgeError } from '../../errors.js';
import { addUser, changePassword, disableUser } from '../../web/auth/accounts.js';
import { printJson, println, type CliContext, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** Who ran the command (the audit trail's actor for CLI changes). */
export function cliActor(): string {
  try {
    return `CLI (${userInfo().username})`;
  } catch {
    return 'CLI';
  }
}

/** Record an account or token change made from the CLI, in the event log and the log. */
export async function auditCli(app: App, event: EventCode, ref: { type: string; id: number; agency?: string }, data: Record<string, unknown>): Promise<void> {
  await appendEvent(app.db, app.ports.clock.now(), { event, agencyCode: ref.agency, refType: ref.type, refId: ref.id, data: { ...data, actor: cliActor() } });
  app.ports.log.info(event, { ...data, actor: cliActor() });
}

/** The password from --password-env (an environment variable, never the command line), or a new random one to print. */
function passwordFrom(ctx: CliContext, envName: string | undefined): { password: string; generated: boolean } {
  if (envName) {
    const v = ctx.env[envName];
    if (!v) throw new BridgeError('USAGE', `--password-env ${envName}: that environment variable is not set`);
    return { password: v, generated: false };
  }
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

/** `users add`: a web account (operator, clerk of listed agencies, viewer). */
export const usersAddCommand: Command = {
  path: ['users', 'add'],
  summary: 'Create a web account (operator | clerk | viewer); prints a generated password unless --password-env is given',
  usage: 'users add NAME --role operator|clerk|viewer [--agency CODE]... [--display-name TEXT] [--password-env VAR] [--json]',
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { role: { type: 'string' }, agency: { type: 'string', multiple: true }, 'display-name': { type: 'string' }, 'password-env': { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || !values.role) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    const { password, generated } = passwordFrom(ctx, values['password-env']);
    return withApp(ctx, async app => {
      const a = await addUser(app.db, app.config, { username: positionals[0]!, displayName: values['display-name'], role: values.role!, agencies: values.agency ?? [], password }, app.ports.clock.now());
      await auditCli(app, 'ACCOUNT_CREATED', { type: 'account', id: a.id }, { username: a.username, role: a.role, agencies: a.agencies });
      if (values.json) printJson(ctx, { id: a.id, username: a.username, role: a.role, agencies: a.agencies, ...(generated ? { password } : {}) });
      else {
        println(ctx.stdout, `account ${a.username} created (${a.role}${a.agencies.length ? ': ' + a.agencies.join(', ') : ''})`);
        if (generated) println(ctx.stdout, `password: ${password}   (shown once; the user changes it under "Tài khoản của tôi")`);
      }
      return 0;
    });
  },
};

/** `users list`. */
export const usersListCommand: Command = {
  path: ['users', 'list'],
  summary: 'List web accounts with their role, agencies and state',
  usage: 'users list [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
    return withApp(ctx, async app => {
      const rows = (await listAccounts(app.db)).map(a => ({ id: a.id, username: a.username, displayName: a.display_name, role: a.role, agencies: a.agencies, disabledAt: a.disabled_at, createdAt: a.created_at }));
      if (values.json) printJson(ctx, rows);
      else if (rows.length === 0) println(ctx.stdout, 'no accounts (create the first operator with: edoc-bridge users add NAME --role operator)');
      else for (const r of rows) println(ctx.stdout, `${r.username}\t${r.role}\t${r.agencies.join(',') || '*'}\t${r.disabledAt ? 'disabled ' + r.disabledAt : 'active'}\t${r.displayName}`);
      return 0;
    });
  },
};

/** `users disable NAME`. */
export const usersDisableCommand: Command = {
  path: ['users', 'disable'],
  summary: 'Disable a web account (its sessions end at once)',
  usage: 'users disable NAME',
  async run(ctx, argv) {
    const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    return withApp(ctx, async app => {
      const a = await disableUser(app.db, positionals[0]!, app.ports.clock.now());
      await auditCli(app, 'ACCOUNT_DISABLED', { type: 'account', id: a.id }, { username: a.username });
      println(ctx.stdout, `account ${a.username} disabled`);
      return 0;
    });
  },
};

/** `users passwd NAME`. */
export const usersPasswdCommand: Command = {
  path: ['users', 'passwd'],
  summary: "Set a web account's password (generated and printed unless --password-env is given); its sessions end",
  usage: 'users passwd NAME [--password-env VAR]',
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { 'password-env': { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    const { password, generated } = passwordFrom(ctx, values['password-env']);
    return withApp(ctx, async app => {
      const a = await changePassword(app.db, positionals[0]!, password, app.ports.clock.now());
      await auditCli(app, 'ACCOUNT_PASSWORD_CHANGED', { type: 'account', id: a.id }, { username: a.username });
      println(ctx.stdout, `password of ${a.username} changed${generated ? `: ${password}   (shown once)` : ''}`);
      return 0;
    });
  },
};
