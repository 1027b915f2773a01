/**
 * IMAP server differences against two real servers (docs/mail.md §IMAP servers): Dovecot
 * (scripts/mailserver.sh: MOVE, UIDPLUS, `.` separator) and GNU Mailutils imap4d
 * (scripts/imap4d.sh: no MOVE, no UIDPLUS, `/` separator). Serial: the tests share the mailboxes.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { probeMailbox } from '../../src/io/imap.js';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { startService } from '../../src/service.js';
import { runCli } from '../helpers/cli.js';
import { documentMail } from '../helpers/documents.js';
import { imap4dClient, imap4dSettings, imap4dTest, loadImap4d, resetImap4dMailbox, type Imap4dEnv } from '../helpers/imap4d.js';
import { imapRelay, withoutIdle } from '../helpers/imap-relay.js';
import { loadMailServer, resetMailboxes } from '../helpers/mailserver.js';
import { pollTimers } from '../helpers/poll-timers.js';
import { AGENCIES, configObject, openWorld, worldEnv, type World } from '../helpers/world.js';

const test = await imap4dTest(anyTest as TestFn<{ t?: World }>);
const A = AGENCIES.soyte;
const imap4d = (): Imap4dEnv => loadImap4d()!;

test.beforeEach(async () => {
  await resetImap4dMailbox(imap4d(), A.email);
});
test.afterEach.always(async t => {
  await t.context.t?.close();
});

/** A world whose soyte mailbox is on imap4d (SMTP stays on the Postfix test server). */
async function imap4dWorld(folders: Record<string, string> = {}): Promise<World> {
  return openWorld(['soyte'], { server: true, agency: { soyte: { imap: imap4dSettings(imap4d(), A.email, A.env), folders } } });
}

/** The messages of an imap4d folder: UID and flags. */
async function folderState(folder: string): Promise<Array<{ uid: number; flags: string[]; subject: string }>> {
  const client = await imap4dClient(imap4d(), A.email);
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: Array<{ uid: number; flags: string[]; subject: string }> = [];
      if (client.mailbox && client.mailbox.exists > 0) for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) out.push({ uid: m.uid, flags: [...(m.flags ?? [])].filter(f => f !== '\\Recent'), subject: m.envelope?.subject ?? '' });
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

async function append(raw: Buffer, flags: string[] = []): Promise<void> {
  const client = await imap4dClient(imap4d(), A.email);
  try {
    await client.append('INBOX', raw);
    // imap4d ignores the flags of APPEND: the clerk's client would STORE them (on the newest mail).
    if (flags.length) {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('*', flags);
    }
  } finally {
    await client.logout();
  }
}

test.serial('folders are created with each server’s own separator and namespace', async t => {
  const srv = loadMailServer();
  if (!srv) return t.fail('the Postfix + Dovecot test server is needed too (scripts/mailserver.sh)');
  await resetMailboxes();
  const top = `edoc${randomBytes(3).toString('hex')}`;
  const folders = { processed: `${top}/Processed`, quarantine: `${top}/Quarantine` };
  const w4 = await imap4dWorld(folders);
  const on4d = w4.config.agencies[0]!;
  await w4.close();
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, agency: { soyte: { folders } } }));
  const onDovecot = ta.config.agencies[0]!;

  const seen: Record<string, string> = {};
  for (const [name, agency] of [['imap4d', on4d], ['dovecot', onDovecot]] as const) {
    const first = await probeMailbox(agency);
    const sep = first.namespace.delimiter!;
    seen[name] = sep;
    const processed = first.folders.find(f => f.role === 'processed')!;
    t.is(processed.path, `${first.namespace.prefix}${top}${sep}Processed`, name);
    t.is(processed.state, 'created', name);
    const again = await probeMailbox(agency);
    t.deepEqual(again.folders.map(f => f.state), ['exists', 'exists', 'exists'], `${name}: found the second time, not created twice`);
    t.is(again.capabilities.move, name === 'dovecot');
    t.is(again.capabilities.uidplus, name === 'dovecot');
  }
  t.deepEqual(seen, { imap4d: '/', dovecot: '.' }, 'the two servers differ');
});

test.serial('without MOVE and UIDPLUS a move never expunges the clerk’s own \\Deleted mail', async t => {
  const ta = (t.context.t = await imap4dWorld({ processed: 'edoc/Processed' }));
  const agency = ta.config.agencies[0]!;

  // Nothing else is \Deleted: COPY, then EXPUNGE of ours only.
  await append(await documentMail({ from: AGENCIES.ubnd.email, to: A.email, numberNotation: '12/QĐ-UBND' }));
  const first = await runIntakeCycle(ta.app, agency);
  t.is(first.processed[0]?.outcome, 'registered', JSON.stringify(first));
  t.is(first.moved, 1);
  t.deepEqual(await folderState('INBOX'), []);
  t.is((await folderState('edoc/Processed')).length, 1);
  const moved = ta.log.lines.find(l => l.event === 'INTAKE_MOVED');
  t.is(moved?.path, 'edoc/Processed', 'the real path is logged');
  t.is(moved?.method, 'expunge');

  // The clerk marked one of her mails \Deleted: it must survive our move, untouched.
  await append(Buffer.from('From: ban@example.test\r\nTo: vanthu@soyte.vinhlong.test\r\nSubject: Thu rieng cua van thu\r\nMessage-ID: <clerk-1@example.test>\r\n\r\nXin chao.\r\n'), ['\\Deleted']);
  await append(await documentMail({ from: AGENCIES.ubnd.email, to: A.email, numberNotation: '13/QĐ-UBND' }));
  const second = await runIntakeCycle(ta.app, agency);
  t.is(second.processed.length, 1, 'the clerk’s deleted mail is not taken in');
  t.is(second.processed[0]?.outcome, 'registered');
  const inbox = await folderState('INBOX');
  const clerk = inbox.find(m => m.subject === 'Thu rieng cua van thu');
  t.truthy(clerk, 'the clerk’s mail is still in the inbox');
  t.deepEqual(clerk?.flags, ['\\Deleted'], 'and still only flagged by her');
  t.is((await folderState('edoc/Processed')).length, 2, 'ours is copied');
  const held = inbox.filter(m => m !== clerk);
  t.is(held.length, 1);
  t.true(held[0]!.flags.includes('\\Deleted'), 'ours is left flagged \\Deleted (hidden), not expunged');
  t.truthy(ta.log.lines.find(l => l.event === 'INTAKE_MOVE_HELD' && l.count === 1), 'and reported');

  // The next cycle takes in neither again.
  const third = await runIntakeCycle(ta.app, agency);
  t.is(third.listed, 0);
});

/** A config file for the CLI with soyte's mailbox on imap4d and the given folders. */
async function cliConfig(ta: World, imap: Record<string, unknown>, folders: Record<string, string> = {}): Promise<string> {
  const srv = loadMailServer()!;
  const file = path.join(ta.dir, 'cli-config.json');
  await writeFile(file, JSON.stringify(configObject(path.join(ta.dir, 'cli'), ['soyte'], { server: srv, agency: { soyte: { imap, folders } } })));
  return file;
}

test.serial('a folder the server cannot create: config check and run --once exit 1 with the server’s words', async t => {
  const ta = (t.context.t = await imap4dWorld());
  // One level longer than a file name may be: imap4d answers "NO CREATE Cannot create mailbox".
  const file = await cliConfig(ta, imap4dSettings(imap4d(), A.email, A.env), { processed: `edoc/${'x'.repeat(300)}` });
  const env = worldEnv(loadMailServer());
  const check = await runCli(['config', 'check', '--config', file], env, { timeoutMs: 120_000 });
  t.is(check.code, 1, check.stdout + check.stderr);
  t.regex(check.stderr, /folders\.processed "edoc\/x{300}" \(server path "edoc\/x{300}"\) cannot be created: NO .*Cannot create mailbox/);
  t.regex(check.stdout, /namespace "", separator "\/"; no MOVE, no UIDPLUS, IDLE, NAMESPACE/);
  t.regex(check.stdout, /^  smtp: ok$/m, 'the SMTP login (Postfix submission, STARTTLS) is fine');
  t.regex(check.stdout, /^  inbox: "INBOX" → "INBOX" exists$/m);

  await append(await documentMail({ from: AGENCIES.ubnd.email, to: A.email, numberNotation: '14/QĐ-UBND' }));
  const run = await runCli(['run', '--once', '--config', file], env, { timeoutMs: 120_000 });
  t.is(run.code, 1, run.stdout + run.stderr);
  t.regex(run.stderr, /IMAP_FOLDER: .*Cannot create mailbox/);
  t.is((await folderState('INBOX')).length, 1, 'nothing was taken in: the mail waits in the inbox');
});

test.serial('a wrong password ends run --once on the server\'s refusal, not on a timeout: exit 1 and a clear message', async t => {
  const ta = (t.context.t = await imap4dWorld());
  const srv = loadMailServer()!;
  for (const [name, imap] of [
    ['imap4d', imap4dSettings(imap4d(), A.email, 'WRONG_PASSWORD')],
    ['dovecot', { host: srv.imapHost, port: srv.imapsPort, secure: true, user: A.email, passwordEnv: 'WRONG_PASSWORD', tls: { caFile: srv.caFile, servername: 'localhost' } }],
  ] as const) {
    const file = await cliConfig(ta, imap);
    // Before the fix the refused login waited for the socket timeout (about 3 minutes): the run is
    // given 60 s before it is killed (a hang guard, not a measured bound: no assertion on time,
    // the machine may be loaded), and its error must be the server's refusal, not a timeout.
    const run = await runCli(['run', '--once', '--config', file], { ...worldEnv(srv), WRONG_PASSWORD: 'not-the-password', EDOC_BRIDGE_LOG_LEVEL: 'info' }, { timeoutMs: 60_000 });
    const exitedAt = Date.now();
    t.is(run.code, 1, `${name}: ${run.stderr}`);
    t.regex(run.stderr, /IMAP_AUTH: IMAP 127\.0\.0\.1:\d+ for 000\.00\.31\.H62: login of vanthu@soyte\.vinhlong\.test refused/, name);
    const loaded = run.stderr
      .split('\n')
      .map(l => {
        try {
          return JSON.parse(l) as { event?: string; time?: number };
        } catch {
          return {};
        }
      })
      .find(l => l.event === 'CONFIG_LOADED');
    t.truthy(loaded?.time, `${name}: CONFIG_LOADED logged with its time`);
    t.notRegex(run.stderr, /timed? ?out|ETIMEOUT|ETIMEDOUT/i, `${name}: refused, not timed out`);
    t.log(`${name}: run --once ended ${((exitedAt - loaded!.time!) / 1000).toFixed(1)} s after loading its configuration`);
  }
});

test.serial('config check on Dovecot: all well exits 0; a wrong SMTP password exits 1 naming SMTP', async t => {
  const ta = (t.context.t = await imap4dWorld());
  const srv = loadMailServer()!;
  const file = path.join(ta.dir, 'dovecot-config.json');
  const obj = configObject(path.join(ta.dir, 'cli'), ['soyte'], { server: srv });
  await writeFile(file, JSON.stringify(obj));
  const ok = await runCli(['config', 'check', '--config', file], worldEnv(srv), { timeoutMs: 120_000 });
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  t.regex(ok.stdout, /000\.00\.31\.H62: ok \(namespace "", separator "\."; MOVE, UIDPLUS, IDLE, NAMESPACE\)/);
  t.regex(ok.stdout, /^  smtp: ok$/m);

  const agency = (obj.agencies as Array<Record<string, unknown>>)[0]!;
  const badSmtp = { ...obj, agencies: [{ ...agency, smtp: { ...(agency.smtp as object), passwordEnv: 'WRONG_PASSWORD' } }] };
  await writeFile(file, JSON.stringify(badSmtp));
  const bad = await runCli(['config', 'check', '--config', file], { ...worldEnv(srv), WRONG_PASSWORD: 'not-the-password' }, { timeoutMs: 120_000 });
  t.is(bad.code, 1, bad.stdout + bad.stderr);
  t.regex(bad.stderr, /error: 000\.00\.31\.H62: SMTP 127\.0\.0\.1:\d+: .*(535|[Aa]uthentication)/);
});

test.serial('imap4d without IDLE (its CAPABILITY answers taken out of IDLE on the way): IDLE_UNSUPPORTED, and the mailbox is polled on its schedule', async t => {
  // imap4d offers IDLE but never reports new mail through it (docs/mail.md §IDLE and polling); a
  // relay in front of its plain port drops IDLE from CAPABILITY, as a server without IDLE answers.
  const env = imap4d();
  const relay = await imapRelay({ rewrite: withoutIdle, target: { host: env.host, port: env.port } });
  const w = (t.context.t = await openWorld(['soyte'], {
    server: true,
    overrides: { http: { port: 0 } },
    agency: { soyte: { imap: { host: '127.0.0.1', port: relay.port, secure: false, starttls: false, allowCleartext: true, user: A.email, passwordEnv: A.env, pollSeconds: 7 } } },
  }));
  const p = pollTimers();
  const stop = await startService(w.app, { timers: p.timers, web: false, cron: false });
  const events = () => w.log.lines.filter(l => l.agency === A.code).map(l => l.event);
  const settle = async (until: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 1200 && !(await until()); i++) await new Promise(res => setTimeout(res, 50));
  };
  const entries = async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n);
  try {
    await settle(() => events().includes('IDLE_UNSUPPORTED') && events().includes('INTAKE_CYCLE'));
    t.true(events().includes('IDLE_UNSUPPORTED'));
    t.false(events().includes('IDLE_START'));
    t.true(p.has(7000), 'polled every imap.pollSeconds');
    const cyclesBefore = events().filter(e => e === 'INTAKE_CYCLE').length;
    await append(await documentMail({ from: AGENCIES.ubnd.email, to: A.email, numberNotation: '21/QĐ-UBND' }));
    await new Promise(res => setTimeout(res, 1500));
    t.is(events().filter(e => e === 'INTAKE_CYCLE').length, cyclesBefore, 'no IDLE: nothing happens until the poll');
    t.is(await entries(), 0);
    p.fire(7000);
    await settle(async () => (await entries()) === 1);
    t.is(await entries(), 1, 'taken in by the poll');
  } finally {
    await stop();
    await relay.close();
  }
});
