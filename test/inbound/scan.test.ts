/**
 * Malware scanning in the intake (docs/hostile-input.md §Scanning) with a fake scanner: every file
 * of a document mail is scanned before it is registered; infected → quarantined with the signature
 * and refused with 02 in Vietnamese; scanner down → held in the inbox, never registered unscanned,
 * registered once the scanner is back; `warn` registers with a warning. The real clamd and EICAR:
 * test/integration/intake-scan.test.ts.
 */
import anyTest, { type TestFn } from 'ava';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { closeQuarantined, retryQuarantined } from '../../src/inbound/quarantine-actions.js';
import { documentPdf, documentMail } from '../helpers/documents.js';
import { runDigest } from '../../src/register/digest.js';
import { FakeScanner } from '../helpers/fake-scanner.js';
import { A, B, openWorld, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ w: World; scanner: FakeScanner }>;

const open = async (t: { context: { w: World; scanner: FakeScanner } }, mode: 'warn' | 'quarantine') => {
  t.context.w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z'), overrides: { scan: { mode, socket: '/nonexistent/clamd.sock' } } });
  t.context.scanner = new FakeScanner();
  t.context.w.app.ports.scanner = t.context.scanner;
  return t.context;
};
test.afterEach.always(async t => t.context.w?.close());

const inbox = (w: World) => w.mailboxes.of(A.code);
const cycle = (w: World) => runIntakeCycle(w.app, w.agency('soyte'));
const infectedDoc = async (n: number) =>
  documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP`, pdf: Buffer.concat([await documentPdf({ numberNotation: `${n}/UBND-VP` }), Buffer.from('\n% FAKE-MALWARE-MARKER\n')]) });
const cleanDoc = (n: number) => documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP` });

test('an infected document is quarantined with the signature name and refused with 02 in Vietnamese; the clean one beside it is registered', async t => {
  const { w, scanner } = await open(t, 'quarantine');
  inbox(w).deliver(await infectedDoc(1));
  inbox(w).deliver(await cleanDoc(2));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['quarantined', 'MALWARE_FOUND'], ['registered', null]]);
  t.true(scanner.scanned >= 2);
  const q = await w.app.db('quarantine').select();
  t.is(q.length, 1);
  t.is(q[0].reason_code, 'MALWARE_FOUND');
  t.regex(q[0].detail, /1-UBND-VP\.pdf: Fake\.Test\.Malware/);
  const refusal = await w.app.db('outbox').where({ kind: 'refusal' }).first();
  t.truthy(refusal, 'the sender gets a refusal');
  t.is(refusal.to_address, B.email);
  const message = JSON.parse(refusal.message);
  t.regex(JSON.stringify(message), /chứa mã độc/);
  t.is((await w.app.db('register_entries')).length, 1, 'only the clean one is registered');
  t.is((await w.app.db('attachments').where({ received_mail_id: q[0].received_mail_id })).length, 0, 'the infected files are not filed');
  t.deepEqual([inbox(w).messages('Quarantine').length, inbox(w).messages('Processed').length], [1, 1]);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_MALWARE_FOUND'));
});

test('scanner down: the document is held in the inbox, unregistered and not counted as a failure; registered once the scanner is back', async t => {
  const { w, scanner } = await open(t, 'quarantine');
  scanner.down = true;
  inbox(w).deliver(await cleanDoc(3));
  const first = await cycle(w);
  t.deepEqual(first.processed.map(p => p.outcome), ['held-for-scan']);
  t.is(first.failed.length, 0);
  let row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.attempts], ['held', 0]);
  t.regex(row.last_error, /SCANNER_UNAVAILABLE/);
  t.is((await w.app.db('register_entries')).length, 0, 'never registered unscanned');
  t.is((await w.app.db('outbox')).length, 0);
  t.is(inbox(w).messages('INBOX').length, 1, 'still in the inbox');
  t.true(w.log.lines.some(l => l.event === 'INTAKE_HELD_FOR_SCAN'));
  // Held for longer than limits.maxAttempts cycles: still held, never quarantined for it.
  for (let i = 0; i < 4; i++) await cycle(w);
  row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.attempts], ['held', 0]);
  scanner.down = false;
  const back = await cycle(w);
  t.deepEqual(back.processed.map(p => p.outcome), ['registered']);
  t.is((await w.app.db('register_entries')).length, 1);
  t.is(inbox(w).messages('Processed').length, 1);
});

test('warn mode registers an infected document with a warning', async t => {
  const { w } = await open(t, 'warn');
  inbox(w).deliver(await infectedDoc(4));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => p.outcome), ['registered']);
  const entry = await w.app.db('register_entries').first();
  t.regex(entry.warnings, /MALWARE_FOUND .*Fake\.Test\.Malware/);
});

test('a file too large for the scanner: quarantined with a Vietnamese reason, not held, not registered, not refused; the operator can release it', async t => {
  const { w, scanner } = await open(t, 'quarantine');
  scanner.maxBytes = 1000; // every PDF of the mail is larger
  inbox(w).deliver(await cleanDoc(5));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['quarantined', 'SCAN_TOO_LARGE']]);
  const row = await w.app.db('received_mails').first();
  t.is(row.state, 'quarantined');
  const q = await w.app.db('quarantine').first();
  t.is(q.reason_code, 'SCAN_TOO_LARGE');
  t.regex(q.reason, /^Tệp quá lớn để quét mã độc/u);
  t.regex(q.detail, /5-UBND-VP\.pdf: SCANNER_SIZE_LIMIT: clamd: INSTREAM size limit exceeded/u);
  t.is((await w.app.db('register_entries')).length, 0, 'never registered unscanned');
  t.is((await w.app.db('outbox')).length, 0, 'no refusal: the document may be lawful');
  t.deepEqual([inbox(w).messages('INBOX').length, inbox(w).messages('Quarantine').length], [0, 1], 'not held in the inbox');
  await closeQuarantined(w.app, q.id, 'released');
  t.is((await w.app.db('quarantine').first()).state, 'released');
});

test('warn mode registers a document too large to scan with a NOT_SCANNED warning', async t => {
  const { w, scanner } = await open(t, 'warn');
  scanner.maxBytes = 1000;
  inbox(w).deliver(await cleanDoc(6));
  t.deepEqual((await cycle(w)).processed.map(p => p.outcome), ['registered']);
  t.regex((await w.app.db('register_entries').first()).warnings, /NOT_SCANNED .*6-UBND-VP\.pdf/u);
});

test('a mail retried from the quarantine while the scanner is down is held there, and a later cycle registers it from its stored raw bytes once the scanner answers', async t => {
  const { w, scanner } = await open(t, 'quarantine');
  scanner.maxBytes = 1000;
  inbox(w).deliver(await cleanDoc(7));
  await cycle(w);
  const q = await w.app.db('quarantine').first();
  t.is(q.reason_code, 'SCAN_TOO_LARGE');
  t.is(inbox(w).messages('Quarantine').length, 1);
  // The operator raises clamd's limit and retries, but clamd is restarting.
  scanner.maxBytes = Infinity;
  scanner.down = true;
  const retried = await retryQuarantined(w.app, q.id);
  t.is(retried.outcome, 'held-for-scan');
  t.is((await w.app.db('received_mails').first()).state, 'held');
  t.is(inbox(w).messages('INBOX').length, 0, 'not in the inbox: no listing would find it');
  // Scanner still down: the cycle leaves it held and does not prepare it again.
  const down = await cycle(w);
  t.deepEqual(down.processed, []);
  t.is((await w.app.db('received_mails').first()).state, 'held');
  t.false(w.log.lines.some(l => l.event === 'INTAKE_HELD_RETRY'));
  scanner.down = false;
  const back = await cycle(w);
  t.deepEqual(back.processed.map(p => [p.received, p.outcome]), [[q.received_mail_id, 'registered']]);
  const row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.attempts], ['done', 1]);
  t.is((await w.app.db('register_entries')).length, 1);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_HELD_RETRY'));
  // Finished: the next cycle has nothing more to take.
  t.deepEqual((await cycle(w)).processed, []);
});

test('a held mail still in the inbox is taken once per cycle, from the inbox, not a second time from the store', async t => {
  const { w, scanner } = await open(t, 'quarantine');
  scanner.down = true;
  inbox(w).deliver(await cleanDoc(8));
  await cycle(w);
  scanner.down = false;
  const back = await cycle(w);
  t.deepEqual(back.processed.map(p => p.outcome), ['registered']);
  t.false(w.log.lines.some(l => l.event === 'INTAKE_HELD_RETRY'));
  t.is((await w.app.db('register_entries')).length, 1);
});

test('a document held longer than scan.heldWarnAfterMinutes raises INTAKE_HELD_LONG once, with a notice to the clerk, and is in the daily digest', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = (t.context.w = await openWorld(['soyte'], { clock, overrides: { scan: { mode: 'quarantine', socket: '/nonexistent/clamd.sock', heldWarnAfterMinutes: 30 } } }));
  const scanner = new FakeScanner();
  w.app.ports.scanner = scanner;
  scanner.down = true;
  inbox(w).deliver(await cleanDoc(9));
  await cycle(w);
  const notices = () => w.app.db('outbox').where({ kind: 'notice' }).select();
  const heldLong = async () => (await w.app.db('events').where({ event: 'INTAKE_HELD_LONG' })).length;
  clock.advance(29 * 60_000);
  await cycle(w);
  t.is(await heldLong(), 0, 'not yet: 29 minutes');
  clock.advance(2 * 60_000);
  await cycle(w);
  await cycle(w);
  t.is(await heldLong(), 1, 'once, however many cycles follow');
  t.is(w.log.lines.filter(l => l.event === 'INTAKE_HELD_LONG').length, 1);
  const [notice] = await notices();
  t.regex(notice.subject, /chờ quét mã độc quá 30 phút/u);
  t.regex(JSON.parse(notice.message).text, /Thư nhận lúc: .*20\/11\/2026/u);
  // The daily digest (16:00 in Vietnam) counts it while it is held.
  clock.set('2026-11-20T09:00:00Z');
  t.is(await runDigest(w.app), 1);
  const digest = (await notices()).find(n => /Tổng hợp ngày/u.test(n.subject));
  t.regex(JSON.parse(digest.message).text, /Văn bản đến chờ quét mã độc, chưa vào sổ: 1 \(thư đến sớm nhất lúc .*20\/11\/2026/u);
  // Registered once the scanner is back: the next digest no longer lists it.
  scanner.down = false;
  t.deepEqual((await cycle(w)).processed.map(p => p.outcome), ['registered']);
  clock.set('2026-11-21T09:00:00Z');
  t.is(await runDigest(w.app), 1);
  const next = (await notices()).find(n => /Tổng hợp ngày 21/u.test(n.subject));
  t.notRegex(JSON.parse(next.message).text, /chờ quét mã độc/u);
});
