/**
 * Test access to the second IMAP server, GNU Mailutils imap4d (`scripts/imap4d.sh start`): no MOVE,
 * no UIDPLUS, `/` as separator. The instance describes itself in `$IMAP4D_DIR/imap4d.json`
 * (default `$MAILSRV_DIR-imap4d`). Missing or down: its tests are declared skipped, never passed.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestFn } from 'ava';
import { ImapFlow } from 'imapflow';
import { mailServerDir, type MailUser } from './mailserver.js';
import { declareSkipped } from './skip.js';

export type Imap4dEnv = { dir: string; host: string; port: number; tlsPort: number; caFile: string; users: MailUser[] };

/** The instance directory: $IMAP4D_DIR, else the mail server's directory + `-imap4d`. */
export function imap4dDir(): string {
  return process.env.IMAP4D_DIR || `${mailServerDir()}-imap4d`;
}

export function loadImap4d(): Imap4dEnv | undefined {
  try {
    const j = JSON.parse(readFileSync(path.join(imap4dDir(), 'imap4d.json'), 'utf8'));
    return { dir: j.IMAP4D_DIR, host: j.IMAP4D_HOST, port: j.IMAP4D_PORT, tlsPort: j.IMAP4D_TLS_PORT, caFile: j.IMAP4D_CA_FILE, users: j.users };
  } catch {
    return undefined;
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** ava's `test` for imap4d tests: declared skipped (saying why) when the server is missing or down. */
export async function imap4dTest<T>(test: TestFn<T>): Promise<TestFn<T>> {
  const env = loadImap4d();
  const hint = `run \`bash scripts/imap4d.sh start\` (as root; IMAP4D_DIR=${imap4dDir()})`;
  if (!env) return declareSkipped(test, 'imap4d tests', `no ${path.join(imap4dDir(), 'imap4d.json')}: ${hint}`);
  if (!(await reachable(env.host, env.tlsPort))) return declareSkipped(test, 'imap4d tests', `imap4d in ${env.dir} is not running: ${hint}`);
  return test;
}

/** The `imap` settings of a hosted agency on imap4d (implicit TLS, its test CA trusted). */
export function imap4dSettings(env: Imap4dEnv, address: string, passwordEnv: string): Record<string, unknown> {
  return { host: env.host, port: env.tlsPort, secure: true, user: address, passwordEnv, tls: { caFile: env.caFile, servername: 'localhost' } };
}

/** A client logged in to a user's imap4d mailbox (the test's own hands: append, flag, look). */
export async function imap4dClient(env: Imap4dEnv, address: string): Promise<ImapFlow> {
  const user = env.users.find(u => u.address === address);
  if (!user) throw new Error(`no imap4d user ${address}`);
  const client = new ImapFlow({ host: env.host, port: env.tlsPort, secure: true, auth: { user: user.address, pass: user.password }, tls: { ca: readFileSync(env.caFile), servername: 'localhost' }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Empty every folder of a user's imap4d mailbox, and delete all but INBOX (a fresh start per test). */
export async function resetImap4dMailbox(env: Imap4dEnv, address: string): Promise<void> {
  const client = await imap4dClient(env, address);
  try {
    const folders = await client.list();
    for (const f of folders.sort((a, b) => b.path.length - a.path.length)) {
      if (f.flags.has('\\Noselect')) continue;
      const lock = await client.getMailboxLock(f.path);
      try {
        if (client.mailbox && client.mailbox.exists > 0) await client.messageDelete('1:*');
      } finally {
        lock.release();
      }
    }
    for (const f of folders.sort((a, b) => b.path.length - a.path.length)) if (f.path !== 'INBOX') await client.mailboxDelete(f.path).catch(() => undefined);
  } finally {
    await client.logout();
  }
}
