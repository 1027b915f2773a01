/**
 * The intake pipeline against a fake mailbox (test/helpers/fake-mailbox.ts): the window's order,
 * duplicates re-read, failed downloads, dropped connections, attempts → quarantine, refused moves,
 * UIDVALIDITY, the routes per kind, the lease. The same stages run against the real servers in
 * test/integration/intake.test.ts.
 */
import anyTest, { type TestFn } from 'ava';
import { acquireLease } from '../../src/db/mailbox-state.js';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import type { Preparer } from '../../src/inbound/preparer.js';
import { eml } from '../mail/helpers.js';
import { statusMail } from '../reconcile/_reports.js';
import { documentMail } from '../helpers/documents.js';
import { A, B, openWorld, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ w: World }>;

test.beforeEach(async t => {
  t.context.w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z'), overrides: { limits: { maxAttempts: 2 } } });
});
test.afterEach.always(async t => t.context.w?.close());

const inbox = (w: World) => w.mailboxes.of(A.code);
const cycle = (w: World) => runIntakeCycle(w.app, w.agency('soyte'));
const doc = (n: number, messageId = `<cv${n}@ubnd.vinhlong.test>`) => documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP`, messageId });
const entries = async (w: World) => (await w.app.db('register_entries').orderBy('arrival_number').select('arrival_number', 'number_notation')).map(e => [e.arrival_number, e.number_notation]);

test('mails are taken in UID order: arrival numbers follow arrival, a receipt each, moved only after the commit', async t => {
  const { w } = t.context;
  for (const n of [11, 12, 13]) inbox(w).deliver(await doc(n));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => [p.uid, p.outcome, p.arrivalNumber]), [[1, 'registered', 1], [2, 'registered', 2], [3, 'registered', 3]]);
  t.deepEqual(await entries(w), [[1, '11/UBND-VP'], [2, '12/UBND-VP'], [3, '13/UBND-VP']]);
  t.is((await w.app.db('outbox').where({ kind: 'receipt' })).length, 3);
  t.deepEqual([inbox(w).messages('INBOX').length, inbox(w).messages('Processed').length], [0, 3]);
  const ops = inbox(w).calls.map(c => c.op);
  t.is(ops.indexOf('move'), ops.lastIndexOf('move'), 'one MOVE for the batch, after every commit');
  t.is(ops.at(-1), 'close');
  t.is(inbox(w).open, 0, 'the connection is closed');
});

test('a second copy of a mail in the same window is found finished on re-read: one entry, one receipt, both copies moved', async t => {
  const { w } = t.context;
  const raw = await doc(20);
  inbox(w).deliver(raw);
  inbox(w).deliver(raw);
  const report = await cycle(w);
  t.is(report.processed.length, 1);
  t.is(report.duplicates, 1);
  t.is((await entries(w)).length, 1);
  t.is((await w.app.db('outbox')).length, 1);
  t.is(report.moved, 2);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_DUPLICATE'));
});

test('a failed download leaves the mail in the inbox, unrecorded; the others go on; the next cycle takes it', async t => {
  const { w } = t.context;
  const first = inbox(w).deliver(await doc(31));
  inbox(w).deliver(await doc(32));
  inbox(w).failDownload(first);
  const report = await cycle(w);
  t.deepEqual(report.failed.map(f => f.uid), [first]);
  t.deepEqual(report.processed.map(p => p.outcome), ['registered']);
  t.is((await w.app.db('received_mails')).length, 1, 'nothing recorded for the mail never downloaded');
  t.is(inbox(w).messages('INBOX').length, 1);
  const again = await cycle(w);
  t.deepEqual(again.processed.map(p => p.outcome), ['registered']);
  t.deepEqual(await entries(w), [[1, '32/UBND-VP'], [2, '31/UBND-VP']]);
});

test('a connection that drops in the middle of the window fails the rest of the batch; nothing is lost', async t => {
  const { w } = t.context;
  for (const n of [41, 42, 43]) inbox(w).deliver(await doc(n));
  inbox(w).disconnectAfter(1);
  const report = await cycle(w);
  t.is(report.processed.length, 1);
  t.is(report.failed.length, 2);
  const again = await cycle(w);
  t.is(again.processed.length, 2);
  t.deepEqual((await entries(w)).map(e => e[1]), ['41/UBND-VP', '42/UBND-VP', '43/UBND-VP']);
  t.is(inbox(w).messages('INBOX').length, 0);
});

test('a mail that keeps failing counts its attempts and is quarantined at limits.maxAttempts, raw kept; then it leaves the inbox', async t => {
  const { w } = t.context;
  const working = w.app.preparer;
  w.app.preparer = { ...working, prepare: async () => Promise.reject(new Error('prepare stage crashed')) } satisfies Preparer;
  inbox(w).deliver(await doc(50));
  const first = await cycle(w);
  t.is(first.failed.length, 1);
  let row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.attempts], ['failed', 1]);
  t.is((await w.app.db('quarantine')).length, 0, 'one failure is not enough');
  await cycle(w);
  row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.attempts], ['quarantined', 2]);
  const q = await w.app.db('quarantine').first();
  t.is(q.reason_code, 'PROCESSING_FAILED');
  t.regex(q.detail, /prepare stage crashed/);
  t.true(await w.app.ports.blobs.has(row.raw_sha256));
  w.app.preparer = working;
  const third = await cycle(w);
  t.deepEqual([third.processed.length, third.duplicates, third.moved], [0, 1, 1], 'found finished, not processed again: moved');
  t.is(inbox(w).messages('Quarantine').length, 1);
  t.is((await entries(w)).length, 0);
});

test('a refused MOVE leaves a committed mail in the inbox: the next cycle only moves it, never downloads it again', async t => {
  const { w } = t.context;
  const uid = inbox(w).deliver(await doc(60));
  inbox(w).refuseMove();
  const first = await cycle(w);
  t.deepEqual([first.processed.length, first.moved], [1, 0]);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_MOVE_FAILED'));
  const downloads = () => inbox(w).calls.filter(c => c.op === 'download' && c.uid === uid).length;
  t.is(downloads(), 1);
  const second = await cycle(w);
  t.deepEqual([second.listed, second.duplicates, second.moved], [1, 1, 1]);
  t.is(downloads(), 1, 'finished before: not downloaded again');
  t.is((await entries(w)).length, 1);
  t.is((await w.app.db('outbox')).length, 1, 'no second receipt');
});

test('a UIDVALIDITY change re-registers nothing', async t => {
  const { w } = t.context;
  const raw = await doc(70);
  inbox(w).deliver(raw);
  await cycle(w);
  inbox(w).deliver(raw); // the same mail back in the inbox…
  inbox(w).rebuild(); // …under a new UIDVALIDITY
  const report = await cycle(w);
  t.deepEqual([report.listed, report.duplicates, report.processed.length], [1, 1, 0]);
  t.is((await entries(w)).length, 1);
  t.is(Number((await w.app.db('mailbox_state').first()).uidvalidity), 2);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_UIDVALIDITY_CHANGED'));
});

test('each kind takes its route: report kept for reconciliation, auto-reply finished, our own notice left in the inbox, unknown quarantined', async t => {
  const { w } = t.context;
  inbox(w).deliver(await statusMail({ from: B.email, to: A.email, code: '03', numberNotation: '01/SYT' }));
  inbox(w).deliver(eml('auto-reply-ooo.eml'));
  inbox(w).deliver(`From: ${A.email}\nTo: ${A.email}\nSubject: [edoc-bridge] x\nMessage-ID: <notice.1@edoc.vinhlong.test>\nX-Edoc-Notice: RECIPIENT_OVERDUE\nAuto-Submitted: auto-generated\n\nBody\n`);
  inbox(w).deliver(eml('unknown-newsletter.eml'));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => [p.kind, p.outcome]), [['status', 'report'], ['auto-reply', 'auto-reply'], ['notice', 'notice'], ['unknown', 'quarantined']]);
  t.deepEqual((await w.app.db('inbound_reports')).map(r => [r.kind, r.state]), [['status', 'pending']]);
  t.deepEqual(
    ['INBOX', 'Processed', 'Quarantine'].map(f => inbox(w).messages(f).length),
    [1, 2, 1],
  );
  t.is((await w.app.db('outbox')).length, 0, 'none of them is answered');
});

test('with the prepare stage ahead (worker threads), mails finishing out of order are still committed in UID order', async t => {
  const { w } = t.context;
  const inner = w.app.preparer;
  const delays = [80, 40, 0];
  let calls = 0;
  w.app.preparer = {
    parallel: true,
    close: inner.close,
    prepare: async (raw, now) => {
      await new Promise(r => setTimeout(r, delays[calls++] ?? 0));
      return inner.prepare(raw, now);
    },
  };
  for (const n of [81, 82, 83]) inbox(w).deliver(await doc(n));
  const report = await cycle(w);
  t.is(calls, 3, 'every mail prepared ahead, once');
  t.deepEqual(report.processed.map(p => p.uid), [1, 2, 3]);
  t.deepEqual((await entries(w)).map(e => e[1]), ['81/UBND-VP', '82/UBND-VP', '83/UBND-VP']);
});

test('a mailbox leased by a live worker is skipped without connecting', async t => {
  const { w } = t.context;
  inbox(w).deliver(await doc(90));
  t.true(await acquireLease(w.app.db, A.code, 'INBOX', 'elsewhere:1:abc', new Date('2026-11-20T03:00:00Z'), 60_000));
  const report = await cycle(w);
  t.is(report.skipped, 'lease-busy');
  t.deepEqual(inbox(w).calls, []);
});

test('when the mailbox cannot be opened the cycle fails, the lease is released and the next cycle works', async t => {
  const { w } = t.context;
  inbox(w).deliver(await doc(95));
  w.mailboxes.down = new Error('IMAP server down');
  await t.throwsAsync(cycle(w), { message: /IMAP server down/ });
  w.mailboxes.down = null;
  const report = await cycle(w);
  t.is(report.skipped, undefined);
  t.is(report.processed.length, 1);
});
