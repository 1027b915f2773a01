/**
 * Test access to the throw-away Postfix + Dovecot started by `scripts/mailserver.sh start`.
 * The instance describes itself in `$MAILSRV_DIR/mailserver.json` (default /tmp/edoc-mailsrv).
 * When it is missing (or EDOC_BRIDGE_NO_MAILSERVER=1) the mail server tests are declared skipped,
 * and scripts/test.sh fails on any skipped test.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// Types only: the helper must stay importable outside ava (scripts, benchmarks).
import type { ExecutionContext, TestFn } from 'ava';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { declareSkipped } from './skip.js';

const execFileAsync = promisify(execFile);

/** Default instance directory, as in scripts/mailserver.sh. */
export const DEFAULT_MAILSRV_DIR = '/tmp/edoc-mailsrv';

/** Absolute path of scripts/mailserver.sh. */
export const MAILSERVER_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/mailserver.sh');

/** The command that starts the test mail server (shown in failure messages). */
export const START_HINT = 'bash scripts/mailserver.sh start';

/** One mailbox of the test server. */
export interface MailUser {
  address: string;
  password: string;
}

/** Everything a test needs to talk to the instance. */
export interface MailServerEnv {
  dir: string;
  smtpHost: string;
  /** MX-like port: no AUTH, STARTTLS optional, only local virtual domains. */
  smtpPort: number;
  /** STARTTLS required, then AUTH. */
  submissionPort: number;
  /** Implicit TLS + AUTH. */
  smtpsPort: number;
  imapHost: string;
  /** Plain IMAP (STARTTLS offered, LOGIN allowed in clear). */
  imapPort: number;
  /** Implicit TLS IMAP. */
  imapsPort: number;
  caFile: string;
  /** The test CA certificate (trust it instead of rejectUnauthorized:false). */
  ca: Buffer;
  mailRoot: string;
  dovecotConf: string;
  postfixConfDir: string;
  users: MailUser[];
}

/** Raw shape of mailserver.json as written by the script. */
interface MailServerJson {
  MAILSRV_DIR: string;
  SMTP_HOST: string;
  SMTP_PORT: number;
  SUBMISSION_PORT: number;
  SMTPS_PORT: number;
  IMAP_HOST: string;
  IMAP_PORT: number;
  IMAPS_PORT: number;
  TLS_CA_FILE: string;
  MAIL_ROOT: string;
  DOVECOT_CONF: string;
  POSTFIX_CONF_DIR: string;
  users: MailUser[];
}

/** The instance directory the tests use: $MAILSRV_DIR or the default. */
export function mailServerDir(): string {
  return process.env.MAILSRV_DIR || DEFAULT_MAILSRV_DIR;
}

/** True when the developer opted out of mail server tests (EDOC_BRIDGE_NO_MAILSERVER=1). */
export function mailServerOptedOut(): boolean {
  return process.env.EDOC_BRIDGE_NO_MAILSERVER === '1';
}

let cached: { dir: string; env: MailServerEnv } | undefined;

/** Reads `$MAILSRV_DIR/mailserver.json`; undefined if the instance was never started there. */
export function loadMailServer(): MailServerEnv | undefined {
  const dir = mailServerDir();
  if (cached?.dir === dir) return cached.env;
  let raw: MailServerJson;
  let ca: Buffer;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, 'mailserver.json'), 'utf8')) as MailServerJson;
    ca = readFileSync(raw.TLS_CA_FILE);
  } catch {
    return undefined;
  }
  const env: MailServerEnv = {
    dir: raw.MAILSRV_DIR,
    smtpHost: raw.SMTP_HOST,
    smtpPort: raw.SMTP_PORT,
    submissionPort: raw.SUBMISSION_PORT,
    smtpsPort: raw.SMTPS_PORT,
    imapHost: raw.IMAP_HOST,
    imapPort: raw.IMAP_PORT,
    imapsPort: raw.IMAPS_PORT,
    caFile: raw.TLS_CA_FILE,
    ca,
    mailRoot: raw.MAIL_ROOT,
    dovecotConf: raw.DOVECOT_CONF,
    postfixConfDir: raw.POSTFIX_CONF_DIR,
    users: raw.users,
  };
  cached = { dir, env };
  return env;
}

/** Like loadMailServer() but throws a message that says how to start the server. */
export function mailServer(): MailServerEnv {
  const env = loadMailServer();
  if (!env) {
    throw new Error(
      `No test mail server: ${path.join(mailServerDir(), 'mailserver.json')} is missing. ` +
        `Run \`${START_HINT}\` (as root) first, or set EDOC_BRIDGE_NO_MAILSERVER=1 to skip mail server tests.`,
    );
  }
  return env;
}

/** Resolves a user by address (case-insensitive) or returns the given user; throws if unknown. */
export function mailUser(user: MailUser | string): MailUser {
  if (typeof user !== 'string') return user;
  const found = mailServer().users.find((u) => u.address === user.toLowerCase());
  if (!found) throw new Error(`No mailbox ${user} on the test mail server (see MAILSRV_USERS)`);
  return found;
}

/** The n-th configured mailbox (0 = vanthu@soyte, 1 = vanthu@ubnd, ... with the defaults). */
export function userAt(index: number): MailUser {
  const u = mailServer().users[index];
  if (!u) throw new Error(`The test mail server has no user #${index}`);
  return u;
}

/** imapflow options for `user`: IMAPS with the test CA by default, or plain IMAP without STARTTLS. */
export function imapClientOptions(user: MailUser | string, opts: { tls?: boolean } = {}): ImapFlowOptions {
  const env = mailServer();
  const u = mailUser(user);
  const auth = { user: u.address, pass: u.password };
  if (opts.tls === false) {
    // imapflow upgrades with STARTTLS whenever offered; plain means really plain here.
    return { host: env.imapHost, port: env.imapPort, secure: false, doSTARTTLS: false, auth, logger: false };
  }
  return {
    host: env.imapHost,
    port: env.imapsPort,
    secure: true,
    auth,
    tls: { ca: env.ca, servername: 'localhost' },
    logger: false,
  };
}

/** nodemailer options for authenticated submission (port 12587, STARTTLS required, AUTH). */
export function smtpSubmissionOptions(user: MailUser | string): SMTPTransport.Options {
  const env = mailServer();
  const u = mailUser(user);
  return {
    host: env.smtpHost,
    port: env.submissionPort,
    secure: false,
    requireTLS: true,
    auth: { user: u.address, pass: u.password },
    tls: { ca: env.ca, servername: 'localhost' },
  };
}

/** nodemailer options for MX-like injection (port 12525, no AUTH, no TLS). */
export function smtpInjectOptions(): SMTPTransport.Options {
  const env = mailServer();
  return { host: env.smtpHost, port: env.smtpPort, secure: false, ignoreTLS: true };
}

/** Expunges every message of every mailbox of the instance (UIDVALIDITY stays, UIDNEXT grows). */
export async function resetMailboxes(): Promise<void> {
  const env = mailServer();
  await execFileAsync('bash', [MAILSERVER_SCRIPT, 'reset', env.dir], { timeout: 30_000 });
}

/** Number of messages in `user`'s INBOX (IMAP STATUS). */
export async function countMessages(user: MailUser | string, mailbox = 'INBOX'): Promise<number> {
  const client = new ImapFlow(imapClientOptions(user, { tls: false }));
  await client.connect();
  try {
    const st = await client.status(mailbox, { messages: true });
    return st ? (st.messages ?? 0) : 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Polls `user`'s INBOX with STATUS until it holds at least `count` messages; returns the count. */
export async function waitForMessages(user: MailUser | string, count: number, timeoutMs = 10_000): Promise<number> {
  const client = new ImapFlow(imapClientOptions(user, { tls: false }));
  await client.connect();
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  try {
    for (;;) {
      const st = await client.status('INBOX', { messages: true });
      seen = st ? (st.messages ?? 0) : 0;
      if (seen >= count) return seen;
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  throw new Error(`waitForMessages: ${mailUser(user).address} has ${seen} message(s) in INBOX, expected ${count} within ${timeoutMs} ms`);
}

/** True if something accepts TCP connections on host:port within timeoutMs. */
function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Whether the test mail server can be used, and if not why: opted out (EDOC_BRIDGE_NO_MAILSERVER=1),
 * never started (no mailserver.json), or down (SMTP or IMAP not answering).
 */
export async function probeMailServer(): Promise<{ env: MailServerEnv } | { reason: string }> {
  if (mailServerOptedOut()) return { reason: 'EDOC_BRIDGE_NO_MAILSERVER=1' };
  const env = loadMailServer();
  const fixIt = `run \`${START_HINT}\` (as root; MAILSRV_DIR=${mailServerDir()})`;
  if (!env) return { reason: `no test mail server (${path.join(mailServerDir(), 'mailserver.json')} is missing): ${fixIt}` };
  const [smtp, imap] = await Promise.all([reachable(env.smtpHost, env.smtpPort), reachable(env.imapHost, env.imapPort)]);
  if (!smtp || !imap) return { reason: `the test mail server in ${env.dir} is not running (SMTP ${smtp ? 'up' : 'down'}, IMAP ${imap ? 'up' : 'down'}): ${fixIt}` };
  return { env };
}

/**
 * ava's `test` for a file of mail server tests, decided once when the file loads: the plain `test`
 * when the server answers; otherwise every test of the file is declared skipped, its title saying
 * why, and its hooks do not run. ava counts them as skipped, and scripts/test.sh fails on any
 * skipped test: a missing server is never a pass.
 */
export async function mailServerTest<T>(test: TestFn<T>): Promise<TestFn<T>> {
  const probe = await probeMailServer();
  if ('env' in probe) return test;
  return declareSkipped(test, 'mail server tests', probe.reason);
}

/**
 * Call first in every mail server test: the server env, or undefined after having failed the test
 * (the server was there when the file loaded, and went away). Usage:
 * `const ms = await requireMailServer(t); if (!ms) return;`
 */
export async function requireMailServer(t: ExecutionContext): Promise<MailServerEnv | undefined> {
  const probe = await probeMailServer();
  if ('env' in probe) return probe.env;
  t.fail(`Test mail server unavailable: ${probe.reason}`);
  return undefined;
}
