/**
 * Per-mail isolation of the intake (docs/hostile-input.md §Per-mail isolation) against a fake
 * mailbox: a mail over its prepare budget is quarantined with the budget reason while the others
 * are registered in the same cycle and leave the inbox in groups as they are committed; attempts
 * are counted before processing; Message-ID collisions are never silent (docs/mail.md §Dedupe keys).
 */
import anyTest, { type TestFn } from 'ava';
import { beginAttempt, endPreparing, recordReceived } from '../../src/db/received.js';
import { runIntakeCycle, MOVE_AFTER_MS, MOVE_GROUP } from '../../src/inbound/pipeline.js';
import type { Preparer } from '../../src/inbound/preparer.js';
import { documentMail } from '../helpers/documents.js';
import { A, B, openWorld, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ w: World }>;

test.beforeEach(async t => {
  t.context.w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z') });
});
test.afterEach.always(async t => t.context.w?.close());

const inbox = (w: World) => w.mailboxes.of(A.code);
const cycle = (w: World) => runIntakeCycle(w.app, w.agency('soyte'));
const doc = (n: number, messageId = `<cv${n}@ubnd.vinhlong.test>`, subject?: string) => documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP`, messageId, subject });
const entries = async (w: World) => (await w.app.db('register_entries').orderBy('arrival_number').select('number_notation')).map(e => e.number_notation);

/** The app's preparer, except that the mail with this marker in its bytes goes over its budget; each mail takes `stepMs` of the test's clock. */
function poisonOn(w: World, marker: string, stepMs = 0): void {
  const inner = w.app.preparer;
  const clock = w.app.ports.clock as ReturnType<typeof stepClock>;
  w.app.preparer = {
    ...inner,
    prepare: async (raw, now, hooks) => {
      clock.advance(stepMs);
      // A stored mail is named, not given: its bytes are read here to look for the marker.
      const bytes = Buffer.isBuffer(raw) ? raw : await w.app.ports.blobs.get(raw.sha256);
      return bytes.includes(marker) ? { ok: false, error: 'PREPARE_BUDGET_EXCEEDED: not prepared within 100 ms', budget: 'time' } : inner.prepare(raw, now, hooks);
    },
  } satisfies Preparer;
}

test('a mail over its budget is quarantined with the reason; the 20 after it are registered in the same cycle and leave the inbox in groups', async t => {
  const { w } = t.context;
  // Each mail takes a second: finished mails leave every MOVE_AFTER_MS, long before the cycle ends.
  poisonOn(w, 'X-Test-Poison', 1000);
  inbox(w).deliver(await documentMail({ from: B.email, to: A.email, numberNotation: '999/UBND-VP', headers: { 'X-Test-Poison': 'yes' } }));
  for (let n = 1; n <= 20; n++) inbox(w).deliver(await doc(n));
  const report = await cycle(w);
  t.is(report.processed.length, 21);
  t.is(report.failed.length, 0);
  t.is((await entries(w)).length, 20);
  const q = await w.app.db('quarantine').select();
  t.is(q.length, 1);
  t.is(q[0].reason_code, 'PREPARE_BUDGET_EXCEEDED');
  t.regex(q[0].detail, /not prepared within 100 ms/);
  t.regex(q[0].reason, /giới hạn thời gian hoặc bộ nhớ/);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_BUDGET_EXCEEDED' && l.budget === 'time'), 'the log names the budget');
  t.deepEqual([inbox(w).messages('INBOX').length, inbox(w).messages('Processed').length, inbox(w).messages('Quarantine').length], [0, 20, 1]);
  // Moves happen as mails are committed: the first group leaves before the last mails are downloaded.
  const ops = inbox(w).calls.map(c => c.op);
  const firstMove = ops.indexOf('move');
  t.true(firstMove >= 0 && firstMove < ops.lastIndexOf('download'), 'a MOVE before the last download');
  const moved = inbox(w).calls.filter(c => c.op === 'move').map(c => (c as { uids: number[] }).uids.length);
  t.true(moved.length >= 4 && Math.max(...moved) <= Math.min(MOVE_GROUP, MOVE_AFTER_MS / 1000 + 1), `small groups: ${moved.join(',')}`);
  t.is(moved.reduce((a, b) => a + b, 0), 21);
});

test('the attempt is counted before the mail is processed, and the preparation is marked once it starts', async t => {
  const { w } = t.context;
  const inner = w.app.preparer;
  const seen: Array<{ attempts: number; preparing: boolean }> = [];
  w.app.preparer = {
    ...inner,
    prepare: async (raw, now, hooks) => {
      const row = await w.app.db('received_mails').first('attempts', 'preparing_since');
      seen.push({ attempts: row.attempts, preparing: row.preparing_since !== null });
      return inner.prepare(raw, now, {
        onStart: async () => {
          await hooks?.onStart?.();
          const r = await w.app.db('received_mails').first('attempts', 'preparing_since');
          seen.push({ attempts: r.attempts, preparing: r.preparing_since !== null });
        },
      });
    },
  } satisfies Preparer;
  inbox(w).deliver(await doc(5));
  await cycle(w);
  t.deepEqual(seen, [{ attempts: 0, preparing: false }, { attempts: 1, preparing: true }], 'counted and marked when a worker takes it, before it is prepared');
  const row = await w.app.db('received_mails').first();
  t.deepEqual([row.state, row.preparing_since], ['done', null]);
});

test('a mail whose last preparation never returned (the process died on it) is quarantined on the next cycle, not prepared again', async t => {
  const { w } = t.context;
  inbox(w).deliver(await doc(7));
  inbox(w).deliver(await doc(8));
  // A first cycle killed while preparing the first mail leaves its row like this (the CLI test kills a real process).
  const raw = await doc(7);
  const { row: killed } = await recordReceived(w.app.db, { agencyCode: A.code, messageKey: '<cv7@ubnd.vinhlong.test>', messageId: '<cv7@ubnd.vinhlong.test>', rawSha256: (await w.app.ports.blobs.put(raw)).sha256, rawSize: raw.length, uidvalidity: null, uid: null }, new Date('2026-11-20T02:59:00Z'));
  await beginAttempt(w.app.db, killed.id, new Date('2026-11-20T02:59:01Z'));
  let prepared = 0;
  const inner = w.app.preparer;
  w.app.preparer = { ...inner, prepare: (r, now, hooks) => (prepared++, inner.prepare(r, now, hooks)) } satisfies Preparer;
  const report = await cycle(w);
  t.is(prepared, 1, 'only the other mail is prepared');
  t.deepEqual(report.processed.map(p => p.outcome), ['quarantined', 'registered']);
  const q = await w.app.db('quarantine').first();
  t.is(q.reason_code, 'PREPARE_INTERRUPTED');
  t.regex(q.detail, /never returned/);
  t.deepEqual(await entries(w), ['08/UBND-VP']);
  t.is(inbox(w).messages('INBOX').length, 0);
});

test('same Message-ID, different content: the second is quarantined as MESSAGE_ID_CONFLICT and the clerk notified; the first stays registered', async t => {
  const { w } = t.context;
  const id = '<reused@ubnd.vinhlong.test>';
  inbox(w).deliver(await doc(41, id));
  inbox(w).deliver(await doc(42, id));
  inbox(w).deliver(await doc(43, id));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => p.outcome), ['registered', 'quarantined', 'quarantined']);
  t.is(report.duplicates, 0, 'nothing is a duplicate unless its content matches');
  t.deepEqual(await entries(w), ['41/UBND-VP']);
  const q = await w.app.db('quarantine').orderBy('id').select();
  t.deepEqual(q.map(r => r.reason_code), ['MESSAGE_ID_CONFLICT', 'MESSAGE_ID_CONFLICT']);
  t.regex(q[0].detail, /already received as mail 1 with other content/);
  const rows = await w.app.db('received_mails').orderBy('id').select('id', 'state', 'conflict_of');
  t.deepEqual(rows.map(r => [r.state, r.conflict_of]), [['done', null], ['quarantined', 1], ['quarantined', 1]]);
  const notices = await w.app.db('outbox').where({ kind: 'notice' }).select('subject', 'to_address');
  t.is(notices.length, 2, 'one notice per conflicting mail');
  t.regex(notices[0].subject, /trùng mã thư \(Message-ID\)/);
  t.true(w.log.lines.some(l => l.event === 'INTAKE_MESSAGE_ID_CONFLICT'));
  t.is(inbox(w).messages('INBOX').length, 0, 'all three kept and moved');
});

test('same Message-ID and same content (delivered again, other trace headers) is a duplicate, as before; so is a second copy of a conflicting mail', async t => {
  const { w } = t.context;
  const id = '<again@ubnd.vinhlong.test>';
  const first = await doc(51, id);
  const other = await doc(52, id);
  inbox(w).deliver(first);
  inbox(w).deliver(other);
  await cycle(w);
  inbox(w).deliver(Buffer.concat([Buffer.from('Received: from relay2.example by mx (Postfix); Fri, 20 Nov 2026 10:00:00 +0700\r\n'), first]));
  inbox(w).deliver(Buffer.concat([Buffer.from('Delivered-To: vanthu@soyte.vinhlong.test\r\n'), other]));
  const report = await cycle(w);
  t.deepEqual([report.processed.length, report.duplicates, report.moved], [0, 2, 2]);
  t.deepEqual(await entries(w), ['51/UBND-VP']);
  t.is((await w.app.db('quarantine')).length, 1);
  t.is((await w.app.db('outbox').where({ kind: 'notice' })).length, 1, 'the clerk is told once');
});

test('a PDF flate bomb and an edXML zip bomb are quarantined with their limit and its Vietnamese reason; the mail after them is registered', async t => {
  const { w } = t.context;
  const { hostileInputs } = await import('../../bench/hostile/bombs.js');
  const bombs = hostileInputs(() => Promise.reject(new Error('not used')));
  const pick = (name: RegExp) => bombs.find(b => name.test(b.name))!.build();
  inbox(w).deliver(Buffer.from((await pick(/^700 KB PDF flate bomb/)).toString('latin1').replace('<hostile-1@', '<pdf-bomb@'), 'latin1'));
  inbox(w).deliver(Buffer.from((await pick(/nested 3 deep/)).toString('latin1').replace('<hostile-1@', '<zip-bomb@'), 'latin1'));
  inbox(w).deliver(await doc(61));
  const report = await cycle(w);
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['quarantined', 'PDF_STREAM_TOO_LARGE'], ['quarantined', 'ZIP_NESTING'], ['registered', null]]);
  const q = await w.app.db('quarantine').orderBy('id').select();
  t.regex(q[0].detail, /^van-ban\.pdf: a stream decodes to more than/);
  t.regex(q[0].reason, /bom nén/);
  t.regex(q[1].reason, /lồng nhau/);
  t.deepEqual(await entries(w), ['61/UBND-VP']);
});

test('a mail whose attempts all began and none finished (killed in the commit each time) is quarantined at limits.maxAttempts, not tried again', async t => {
  const { w } = t.context;
  const raw = await doc(9);
  inbox(w).deliver(raw);
  const { row: begun } = await recordReceived(w.app.db, { agencyCode: A.code, messageKey: '<cv9@ubnd.vinhlong.test>', messageId: '<cv9@ubnd.vinhlong.test>', rawSha256: (await w.app.ports.blobs.put(raw)).sha256, rawSize: raw.length, uidvalidity: null, uid: null }, new Date('2026-11-20T02:50:00Z'));
  // Each attempt began and its preparation returned; the process died in the commit (no failure recorded).
  for (let i = 0; i < w.config.limits.maxAttempts; i++) {
    await beginAttempt(w.app.db, begun.id, new Date('2026-11-20T02:50:00Z'));
    await endPreparing(w.app.db, begun.id);
  }
  let prepared = 0;
  const inner = w.app.preparer;
  w.app.preparer = { ...inner, prepare: (r, now, hooks) => (prepared++, inner.prepare(r, now, hooks)) } satisfies Preparer;
  const report = await cycle(w);
  t.is(prepared, 0);
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail]), [['quarantined', 'PROCESSING_FAILED']]);
  const q = await w.app.db('quarantine').first();
  t.regex(q.detail, new RegExp(`^${w.config.limits.maxAttempts} attempts began and none finished`));
  t.is((await entries(w)).length, 0);
});
