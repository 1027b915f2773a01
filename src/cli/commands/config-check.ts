import { parseArgs } from 'node:util';
import type { HostedAgency } from '../../config/schema.js';
import { describeError } from '../../errors.js';
import { createLog } from '../../log.js';
import { printJson, println, type Command } from '../command.js';

/** What `config check` found for one mailbox. */
type MailboxReport = {
  agency: string;
  ok: boolean;
  namespace?: { prefix: string; delimiter: string | null };
  capabilities?: Record<string, boolean>;
  folders?: Array<{ role: string; configured: string; path: string; state: string; error?: string }>;
  /** The SMTP login: 'ok', or the server's words. */
  smtp: string;
  problems: string[];
};

/**
 * `config check`: the configuration is valid (loading it validates), then each mailbox is probed
 * (docs/mail.md §IMAP servers): login, the server's namespace and separator, its MOVE / UIDPLUS /
 * IDLE, every configured folder exists or is created now; then the SMTP login (TLS as configured).
 * Exit 0 when all is well; 1 naming each problem with the server's own words.
 */
export const configCheckCommand: Command = {
  path: ['config', 'check'],
  summary: 'Validate the configuration and probe every mailbox (IMAP login, namespace, folders; SMTP login)',
  usage: 'config check [--agency CODE] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { agency: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    const config = await ctx.loadConfig();
    const agencies = config.agencies.filter(a => !values.agency || a.code === values.agency);
    const { probeMailbox } = await import('../../io/imap.js');
    const { describeFolderProblems } = await import('../../io/imap-folders.js');
    const { verifySmtp } = await import('../../io/smtp.js');
    const log = createLog(ctx.env.EDOC_BRIDGE_LOG_LEVEL ?? 'info');
    const reports: MailboxReport[] = [];
    for (const agency of agencies) reports.push(await checkOne(agency, probeMailbox, describeFolderProblems, verifySmtp, log));
    if (values.json) printJson(ctx, { source: config.source, mailboxes: reports });
    else {
      println(ctx.stdout, `${config.source}: configuration valid`);
      for (const r of reports) {
        const caps = r.capabilities ? Object.entries(r.capabilities).map(([k, v]) => `${v ? '' : 'no '}${k.toUpperCase()}`).join(', ') : '';
        println(ctx.stdout, `${r.agency}: ${r.ok ? 'ok' : 'PROBLEM'}${r.namespace ? ` (namespace "${r.namespace.prefix}", separator "${r.namespace.delimiter ?? 'none'}"; ${caps})` : ''}`);
        for (const f of r.folders ?? []) println(ctx.stdout, `  ${f.role}: "${f.configured}" → "${f.path}" ${f.state}${f.error ? `: ${f.error}` : ''}`);
        println(ctx.stdout, `  smtp: ${r.smtp}`);
        for (const p of r.problems) println(ctx.stderr, `error: ${r.agency}: ${p}`);
      }
    }
    return reports.every(r => r.ok) ? 0 : 1;
  },
};

async function checkOne(
  agency: HostedAgency,
  probe: typeof import('../../io/imap.js').probeMailbox,
  problemsOf: typeof import('../../io/imap-folders.js').describeFolderProblems,
  smtpLogin: typeof import('../../io/smtp.js').verifySmtp,
  log: ReturnType<typeof createLog>,
): Promise<MailboxReport> {
  const problems: string[] = [];
  let report: Omit<MailboxReport, 'ok' | 'problems' | 'smtp'> = { agency: agency.code };
  try {
    const p = await probe(agency, log);
    problems.push(...problemsOf(p.folders));
    report = { ...report, namespace: p.namespace, capabilities: p.capabilities, folders: p.folders };
  } catch (err) {
    problems.push(describeError(err));
  }
  let smtp = 'ok';
  try {
    await smtpLogin(agency);
  } catch (err) {
    smtp = `SMTP ${agency.smtp.host}:${agency.smtp.port}: ${(err as Error).message}`;
    problems.push(smtp);
  }
  return { ...report, ok: problems.length === 0, smtp, problems };
}
