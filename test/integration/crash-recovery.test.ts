/**
 * Nothing is lost and nothing is doubled when the process dies: the real CLI (`run --once`) is
 * killed at failpoints between keeping the raw mail and the register commit, then restarted.
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

for (const failpoint of ['after-store', 'before-commit'] as const) {
  test.serial(`killed at ${failpoint}, then restarted: exactly one entry, mail in the inbox until the commit`, async t => {
    await resetMailboxes();
    const srv = mailServer();
    const dir = await mkdtemp(path.join(tmpdir(), 'edoc-crash-'));
    const configFile = path.join(dir, 'config.yaml');
    const database = await createTestDatabase(dir);
    await writeFile(configFile, stringify(configObject(dir, ['soyte'], { server: srv, database: database.settings })));
    const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
    try {
      await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
        subject: 'Quyết định số 30/QĐ-UBND',
        attachments: [{ filename: 'qd30.pdf', content: await documentPdf({ numberNotation: '30/QĐ-UBND' }) }],
      });
      await waitForMessages(AGENCIES.soyte.email, 1);

      const crashed = await runCli(['run', '--once'], { ...env, EDOC_BRIDGE_FAILPOINT: failpoint });
      t.is(crashed.code, 137, crashed.stderr);
      t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 1, 'still in the inbox: no commit yet');

      const db = openDb(database.settings);
      try {
        const received = await db('received_mails').select('state');
        t.deepEqual(received.map(r => r.state), ['stored'], 'the raw mail was kept before the crash');
        t.is(Number((await db('register_entries').count('* as n'))[0]!.n), 0);
      } finally {
        await db.destroy();
      }

      const again = await runCli(['run', '--once', '--json'], env);
      t.is(again.code, 0, again.stderr);
      const report = JSON.parse(again.stdout);
      t.is(report.intake[0].processed[0].outcome, 'registered');
      t.is(report.outbox.sent, 1);
      t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 0);

      const third = await runCli(['run', '--once', '--json'], env);
      t.is(third.code, 0, third.stderr);
      const listed = await runCli(['register', 'list', '--json'], env);
      const entries = JSON.parse(listed.stdout);
      t.is(entries.length, 1, 'exactly one entry');
      t.is(entries[0].arrivalNumber, 1);
      t.is(entries[0].numberNotation, '30/QĐ-UBND');
      await waitForMessages(AGENCIES.ubnd.email, 1);
      t.is(await countMessages(AGENCIES.ubnd.email, 'INBOX'), 1, 'exactly one receipt');
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
