/**
 * The outbox loses nothing and sends nothing twice under a different identity: the real CLI is
 * killed between queueing and sending, and between the server's 250 and the row being marked sent
 * (the RFC 1047 window: the resend then carries the same Message-ID, so the receiver's dedupe
 * catches it); and Postfix is stopped while a document waits (deferred, retried, sent once).
 */
import anyTest, { type TestFn } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { stringify } from 'yaml';
import { openDb, type Db } from '../../src/db/connect.js';
import { createTestDatabase } from '../helpers/db.js';
import { AGENCIES, configObject, worldEnv } from '../helpers/world.js';
import { runCli } from '../helpers/cli.js';
import { expireClaims, makeDue } from '../helpers/factories.js';
import { documentPdf } from '../helpers/documents.js';
import { countMessages, imapClientOptions, MAILSERVER_SCRIPT, mailServer, mailServerTest, requireMailServer, resetMailboxes, waitForMessages } from '../helpers/mailserver.js';

const exec = promisify(execFile);
type Ctx = { dir: string; env: NodeJS.ProcessEnv; db: Db; pdf: string; drop(): Promise<void> };
const test = await mailServerTest(anyTest as TestFn<Ctx>);

test.before(async t => {
  await requireMailServer(t);
});
test.beforeEach(async t => {
  await resetMailboxes();
  const srv = mailServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-out-crash-'));
  const configFile = path.join(dir, 'config.yaml');
  const database = await createTestDatabase(dir);
  await writeFile(configFile, stringify(configObject(dir, ['soyte'], { server: srv, database: database.settings })));
  const pdf = path.join(dir, 'cv.pdf');
  await writeFile(pdf, await documentPdf({ issuerLines: ['SỞ Y TẾ'], numberNotation: '   /SYT-VP', type: 'CÔNG VĂN' }));
  const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
  t.context = { dir, env, pdf, db: openDb(database.settings), drop: database.drop };
});
test.afterEach.always(async t => {
  await t.context.db?.destroy();
  await t.context.drop?.();
  await rm(t.context.dir, { recursive: true, force: true });
});

const sendArgs = (t: { context: Ctx }) => ['send', '--from', AGENCIES.soyte.code, '--to', AGENCIES.ubnd.code, '--file', t.context.pdf, '--notation', 'SYT-VP', '--summary', 'V/v thử khôi phục sau sự cố'];

/** Message-IDs in a mailbox's INBOX. */
async function messageIds(address: string): Promise<string[]> {
  const client = new ImapFlow(imapClientOptions(address));
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const ids: string[] = [];
      if (client.mailbox && client.mailbox.exists > 0) for await (const m of client.fetch('1:*', { envelope: true })) ids.push(m.envelope!.messageId!);
      return ids;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

test.serial('killed after queueing, then after the 250 but before "sent": one Message-ID, sent once after each recovery', async t => {
  const { env, db } = t.context;
  const submitted = await runCli(sendArgs(t), { ...env, EDOC_BRIDGE_FAILPOINT: 'after-submit' });
  t.is(submitted.code, 137, submitted.stderr);
  t.is((await db('outbox').where({ kind: 'document', state: 'queued' })).length, 1, 'committed before the crash');
  t.is(await countMessages(AGENCIES.ubnd.email), 0);

  const crashed = await runCli(['run', '--once'], { ...env, EDOC_BRIDGE_FAILPOINT: 'after-smtp-accept' });
  t.is(crashed.code, 137, crashed.stderr);
  await waitForMessages(AGENCIES.ubnd.email, 1);
  const row = await db('outbox').where({ kind: 'document' }).first();
  t.is(row.state, 'sending', 'the 250 came but the process died before recording it');

  // While the dead worker's claim lasts nobody sends it again.
  t.is((await runCli(['run', '--once'], env)).code, 0);
  t.is(await countMessages(AGENCIES.ubnd.email), 1);

  // The claim expires (10 min): the row is resent, with the same Message-ID.
  await expireClaims(db);
  const recovered = await runCli(['run', '--once', '--json'], env);
  t.is(recovered.code, 0, recovered.stderr);
  t.is(JSON.parse(recovered.stdout).outbox.sent, 1);
  await waitForMessages(AGENCIES.ubnd.email, 2);
  const ids = await messageIds(AGENCIES.ubnd.email);
  t.deepEqual(ids, [row.message_id, row.message_id], 'a resend is the same message to the receiver');

  // Nothing more afterwards; the register shows one document, the recipient sent once.
  t.is((await runCli(['run', '--once'], env)).code, 0);
  t.is(await countMessages(AGENCIES.ubnd.email), 2);
  t.is((await db('outgoing_documents')).length, 1);
  const recipient = await db('outgoing_recipients').first();
  t.is(recipient.status, 'sent');
  const sentRows = await db('status_history').where({ subject_type: 'recipient', subject_id: recipient.id, to_state: 'sent' });
  t.is(sentRows.length, 1);
});

test.serial('Postfix stopped while a document waits: deferred (network), then sent exactly once when it is back', async t => {
  const { env, db } = t.context;
  const srv = mailServer();
  t.is((await runCli(sendArgs(t), env)).code, 0);
  try {
    await exec('postfix', ['-c', srv.postfixConfDir, 'stop'], { timeout: 30_000 });
    const down = await runCli(['run', '--once', '--json'], env);
    t.is(JSON.parse(down.stdout).outbox.deferred, 1, down.stdout + down.stderr);
    const row = await db('outbox').where({ kind: 'document' }).first();
    t.is(row.state, 'deferred');
    t.is(row.last_category, 'network', row.last_error);
    t.is(row.last_action, 'retry');
    t.true(row.next_attempt_at > new Date().toISOString(), 'retry scheduled from the table (retry.ts)');
    t.is((await db('outgoing_recipients').first()).status, 'queued');
  } finally {
    await exec('bash', [MAILSERVER_SCRIPT, 'start'], { timeout: 120_000 });
  }
  // Not yet due: nothing is sent early.
  t.is(JSON.parse((await runCli(['run', '--once', '--json'], env)).stdout).outbox.sent, 0);
  await makeDue(db);
  const up = await runCli(['run', '--once', '--json'], env);
  t.is(JSON.parse(up.stdout).outbox.sent, 1, up.stdout + up.stderr);
  await waitForMessages(AGENCIES.ubnd.email, 1);
  t.is((await runCli(['run', '--once'], env)).code, 0);
  await new Promise(r => setTimeout(r, 1000));
  t.is(await countMessages(AGENCIES.ubnd.email), 1, 'exactly once');
  const row = await db('outbox').where({ kind: 'document' }).first();
  t.is(row.state, 'sent');
  t.is(row.attempts, 2);
  t.is((await db('outgoing_recipients').first()).status, 'sent');
});
