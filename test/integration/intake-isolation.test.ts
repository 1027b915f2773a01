/**
 * Per-mail isolation against the real Postfix + Dovecot (docs/hostile-input.md §Per-mail isolation):
 * a compression bomb over the prepare budget followed by 20 good mails (the 20 registered in the
 * same cycle, the bomb quarantined with the budget reason); the real CLI killed while preparing the
 * bomb, then restarted (the bomb quarantined, not prepared again); and Message-ID collisions
 * (docs/mail.md §Dedupe keys).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { pdfFlateBomb } from '../../bench/hostile/bombs.js';
import { openDb } from '../../src/db/connect.js';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { runCli } from '../helpers/cli.js';
import { documentMail, documentPdf, injectRaw } from '../helpers/documents.js';
import { integrationTest } from '../helpers/integration.js';
import { countMessages, mailServer, waitForMessages } from '../helpers/mailserver.js';
import { AGENCIES, configObject, openWorld, worldEnv } from '../helpers/world.js';

const test = await integrationTest();
const MiB = 1024 * 1024;
const SOYTE = AGENCIES.soyte.email;
const UBND = AGENCIES.ubnd.email;

/**
 * The decode limits opened wide (so the bomb reaches the budget) and a small budget: the bomb's
 * 700 MB of zeros grow the process far past 300 MB, or take longer than 60 s.
 */
const budgetLimits = {
  limits: {
    prepare: { timeoutMs: 60_000, maxGrowthMb: 300 },
    decode: { pdfMaxStreamBytes: 2048 * MiB, pdfMaxDecodedBytes: 4096 * MiB, pdfMaxRatio: 1e9, mimeMaxDecodedBytes: 512 * MiB },
  },
};

/** A document mail with a 700 MB flate bomb as its PDF (0.9 MB on the wire). */
const bombMail = () =>
  documentMail({ from: UBND, to: SOYTE, numberNotation: '666/UBND-VP', messageId: '<bomb-666@ubnd.vinhlong.test>', pdf: pdfFlateBomb(700 * MiB) });
const goodMail = async (n: number) => documentMail({ from: UBND, to: SOYTE, numberNotation: `${n}/UBND-VP`, messageId: `<good-${n}@ubnd.vinhlong.test>`, pdf: await documentPdf({ numberNotation: `${n}/UBND-VP` }) });

test.serial('a bomb over the budget, then 20 good mails: the 20 are registered in the same cycle, the bomb is quarantined with the budget reason', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, overrides: budgetLimits }));
  await injectRaw(UBND, [SOYTE], await bombMail());
  await waitForMessages(SOYTE, 1, 30_000); // first in UID order
  for (let n = 1; n <= 20; n++) await injectRaw(UBND, [SOYTE], await goodMail(n));
  await waitForMessages(SOYTE, 21, 30_000);

  const report = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.is(report.processed.length, 21, JSON.stringify(report.failed));
  t.deepEqual(report.processed.filter(p => p.outcome === 'registered').length, 20, JSON.stringify(report.processed.filter(p => p.outcome !== 'registered')));
  t.is((await ta.app.db('register_entries')).length, 20);
  const [q] = await ta.app.db('quarantine').select();
  t.is(q.reason_code, 'PREPARE_BUDGET_EXCEEDED');
  t.regex(q.detail, /resident memory grew by \d+ MB \(budget 300 MB\)|not prepared within 60000 ms|heap limit/);
  t.true(ta.log.lines.some(l => l.event === 'INTAKE_BUDGET_EXCEEDED'), 'the log says so');
  t.is(await countMessages(SOYTE, 'INBOX'), 0);
  t.is(await countMessages(SOYTE, 'Quarantine'), 1);
  t.is(await countMessages(SOYTE, 'Processed'), 20);
});

test.serial('the CLI killed while preparing the bomb, then restarted: the bomb is quarantined on the next cycle, the others registered', async t => {
  const srv = mailServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-poison-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const configFile = path.join(dir, 'config.yaml');
  await writeFile(configFile, stringify(configObject(dir, ['soyte'], { server: srv, overrides: budgetLimits })));
  const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
  await injectRaw(UBND, [SOYTE], await bombMail());
  await waitForMessages(SOYTE, 1, 30_000); // first in UID order: the first mail prepared
  for (const n of [1, 2]) await injectRaw(UBND, [SOYTE], await goodMail(n));
  await waitForMessages(SOYTE, 3, 30_000);

  const killed = await runCli(['run', '--once'], { ...env, EDOC_BRIDGE_FAILPOINT: 'while-preparing' });
  t.is(killed.code, 137, killed.stderr);
  const db = openDb({ client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') });
  try {
    const rows = await db('received_mails').select('message_id', 'attempts', 'preparing_since');
    // The window may have kept the next mails' raw copies too; only the bomb was being prepared.
    t.deepEqual(rows.map(r => [r.message_id, r.attempts, r.preparing_since !== null])[0], ['<bomb-666@ubnd.vinhlong.test>', 1, true], 'the attempt was counted before the kill');
    t.true(rows.slice(1).every(r => r.attempts === 0 && r.preparing_since === null));
  } finally {
    await db.destroy();
  }
  t.is(await countMessages(SOYTE, 'INBOX'), 3);

  const again = await runCli(['run', '--once', '--json'], env);
  t.is(again.code, 0, again.stderr);
  const intake = JSON.parse(again.stdout).intake[0];
  t.deepEqual(intake.processed.map((p: { outcome: string; detail?: string }) => [p.outcome, p.detail ?? null]), [['quarantined', 'PREPARE_INTERRUPTED'], ['registered', null], ['registered', null]]);
  t.is(await countMessages(SOYTE, 'INBOX'), 0);
  t.is(await countMessages(SOYTE, 'Quarantine'), 1);
});

test.serial('same Message-ID, different content: the second is quarantined as MESSAGE_ID_CONFLICT and the clerk notified; the first stays registered; a redelivery is a duplicate', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  const id = '<reused-id@ubnd.vinhlong.test>';
  const first = await documentMail({ from: UBND, to: SOYTE, numberNotation: '71/UBND-VP', messageId: id, pdf: await documentPdf({ numberNotation: '71/UBND-VP' }) });
  const second = await documentMail({ from: UBND, to: SOYTE, numberNotation: '72/UBND-VP', messageId: id, pdf: await documentPdf({ numberNotation: '72/UBND-VP' }) });
  // One after the other: Postfix may deliver two queued mails in either order, and the first delivered is the one registered.
  await injectRaw(UBND, [SOYTE], first);
  await waitForMessages(SOYTE, 1);
  await injectRaw(UBND, [SOYTE], second);
  await waitForMessages(SOYTE, 2);
  const report = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['registered', null], ['quarantined', 'MESSAGE_ID_CONFLICT']]);
  t.deepEqual((await ta.app.db('register_entries').select('number_notation')).map(e => e.number_notation), ['71/UBND-VP']);
  t.deepEqual((await ta.app.db('quarantine').select('reason_code')).map(q => q.reason_code), ['MESSAGE_ID_CONFLICT']);
  t.is((await ta.app.db('outbox').where({ kind: 'notice' })).length, 1, 'the clerk is notified');

  // The first mail delivered again (Postfix adds its own trace headers): the same content, a duplicate as before.
  await injectRaw(UBND, [SOYTE], first);
  await waitForMessages(SOYTE, 1);
  const again = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual([again.processed.length, again.duplicates, again.moved], [0, 1, 1]);
  t.is((await ta.app.db('register_entries')).length, 1);
  t.is((await ta.app.db('quarantine')).length, 1);
});
