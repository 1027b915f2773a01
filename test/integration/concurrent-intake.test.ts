/**
 * Two gateway processes at once on one database (SQLite, WAL, busy timeout): each takes in its
 * own mailbox; every arrival number is assigned exactly once, gapless, with no lost mail.
 */
import anyTest from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { openDb } from '../../src/db/connect.js';
import { createTestDatabase } from '../helpers/db.js';
import { AGENCIES, configObject, worldEnv } from '../helpers/world.js';
import { runCli } from '../helpers/cli.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { countMessages, mailServer, mailServerTest, requireMailServer, resetMailboxes, waitForMessages } from '../helpers/mailserver.js';

const test = await mailServerTest(anyTest);

test.before(async t => {
  await requireMailServer(t);
});

test.serial('two processes taking in two mailboxes into one database: numbers assigned once each, gapless, nothing lost', async t => {
  await resetMailboxes();
  const srv = mailServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-conc-'));
  const configFile = path.join(dir, 'config.yaml');
  const database = await createTestDatabase(dir);
  await writeFile(configFile, stringify(configObject(dir, ['soyte', 'stc'], { server: srv, database: database.settings })));
  const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
  const per = 6;
  const t0 = Date.now();
  try {
    const pdf = await documentPdf();
    for (let i = 1; i <= per; i++) {
      for (const to of [AGENCIES.soyte.email, AGENCIES.stc.email]) {
        await sendMail(AGENCIES.ubnd.email, to, { subject: `Công văn số ${i}/UBND-VP`, attachments: [{ filename: `cv${i}.pdf`, content: pdf }] });
      }
    }
    await waitForMessages(AGENCIES.soyte.email, per);
    await waitForMessages(AGENCIES.stc.email, per);
    t.log(`mails delivered after ${Date.now() - t0} ms`);
    // Both processes also race for the shared migrations and the directory upsert at start.
    const [a, b] = await Promise.all([
      runCli(['run', '--once', '--agency', AGENCIES.soyte.code, '--json'], env),
      runCli(['run', '--once', '--agency', AGENCIES.stc.code, '--json'], env),
    ]);
    t.log(`both runs done after ${Date.now() - t0} ms`);
    t.is(a.code, 0, a.stderr);
    t.is(b.code, 0, b.stderr);
    const db = openDb(database.settings);
    try {
      for (const code of [AGENCIES.soyte.code, AGENCIES.stc.code]) {
        const numbers = (await db('register_entries').where({ agency_code: code }).orderBy('arrival_number').select('arrival_number')).map(r => r.arrival_number);
        t.deepEqual(numbers, Array.from({ length: per }, (_, i) => i + 1), code);
      }
      t.is(Number((await db('received_mails').whereNot({ state: 'done' }).count('* as n'))[0]!.n), 0);
    } finally {
      await db.destroy();
    }
    t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 0);
    t.is(await countMessages(AGENCIES.stc.email, 'INBOX'), 0);
  } finally {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
