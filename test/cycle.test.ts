/**
 * runCycle, the one definition of a gateway cycle, end to end on fakes: two hosted agencies whose
 * mail goes through the fake server into each other's fake mailbox. test/integration/ runs the
 * same cycle against the real Postfix + Dovecot.
 */
import anyTest, { type TestFn } from 'ava';
import { CYCLE_STAGES, runCycle } from '../src/cycle.js';
import { submitDocument } from '../src/outbound/submit.js';
import { parseSubmissionMeta } from '../src/outbound/submission.js';
import { A, B, openWorld, pdf, stepClock, type World } from './helpers/world.js';

const test = anyTest as TestFn<{ w: World }>;

test.beforeEach(async t => {
  t.context.w = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z') });
});
test.afterEach.always(async t => t.context.w?.close());

const statusOf = async (w: World) => (await w.app.db('outgoing_recipients').first()).status;

test('the stages, in their order', t => {
  t.deepEqual(CYCLE_STAGES.map(s => s.name), ['intake', 'submissions', 'reconcile', 'overdue', 'outbox', 'record-sends']);
});

test('A sends to B: B registers it and answers 03 in its cycle, A’s next cycle records B as received', async t => {
  const { w } = t.context;
  const doc = await submitDocument(w.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ summary: 'V/v thử chu trình' }), source: 'cli' });
  const first = await runCycle(w.app);
  t.deepEqual(first.errors, []);
  t.deepEqual(first.outbox, { sent: 1, deferred: 0, failed: 0 }, 'the document left in the outbox stage');
  t.deepEqual(first.sends, { sent: 1, failed: 0 }, 'and was recorded at once');
  t.is(await statusOf(w), 'sent');
  const second = await runCycle(w.app);
  const intakeB = second.intake.find(r => r.agency === B.code)!;
  t.deepEqual(intakeB.processed.map(p => p.outcome), ['registered']);
  t.deepEqual(second.outbox, { sent: 1, deferred: 0, failed: 0 }, "B's receipt went out");
  const third = await runCycle(w.app);
  t.deepEqual(third.reconcile?.reports, { matched: 1, orphan: 0, duplicate: 0, failed: 0 });
  t.is(await statusOf(w), 'received');
  const entry = await w.app.db('register_entries').where({ agency_code: B.code }).first();
  t.is(entry.number_notation, doc.numberNotation);
  t.is(entry.sender_message_id, doc.recipients[0]!.messageId);
});

test('a stage that fails is reported and the next stages still run; `agencies` limits the intake', async t => {
  const { w } = t.context;
  w.mailboxes.down = new Error('IMAP down');
  const report = await runCycle(w.app, { agencies: [w.agency('soyte')] });
  t.deepEqual(report.errors, [`${A.code}: IMAP down`]);
  t.truthy(report.reconcile, 'reconcile ran after the intake failed');
  t.truthy(report.sends);
});

test('`only` runs some stages, still in their order', async t => {
  const { w } = t.context;
  const report = await runCycle(w.app, { only: ['record-sends', 'outbox'] });
  t.deepEqual(report.intake, []);
  t.is(report.reconcile, undefined);
  t.deepEqual(report.outbox, { sent: 0, deferred: 0, failed: 0 });
  t.deepEqual(report.sends, { sent: 0, failed: 0 });
  t.deepEqual(w.mailboxes.of(A.code).calls, [], 'no mailbox opened');
});
