import anyTest, { type TestFn } from 'ava';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { runReconcile } from '../../src/reconcile/pipeline.js';
import { buildReconcileReport } from '../../src/reconcile/tracking-report.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';
import { dsnMail, injectReport, mdnMail, replyMail, statusMail } from './_reports.js';

type Ctx = { u: World; doc: Awaited<ReturnType<typeof submitDocument>> };
const test = anyTest as TestFn<Ctx>;
const meta = parseSubmissionMeta({ type: 'Công văn', summary: 'V/v đối soát' });

test.beforeEach(async t => {
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z') });
  const { app } = t.context.u;
  t.context.doc = await submitDocument(app, { agencyCode: A.code, to: [B.code, C.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' });
  // The (fake) server accepts both.
  t.deepEqual(await runOutbox(app), { sent: 2, deferred: 0, failed: 0 });
});
test.afterEach.always(async t => t.context.u?.close());

const recipient = async (t: { context: Ctx }, address: string) => t.context.u.app.db('outgoing_recipients').where({ address }).first();
const reportState = async (t: { context: Ctx }, id: number) => (await t.context.u.app.db('inbound_reports').where({ id }).first()).state;

test('sends are recorded; a status 03 is matched by In-Reply-To; its duplicate is a no-op', async t => {
  const { app } = t.context.u;
  let run = await runReconcile(app);
  t.deepEqual(run.sends, { sent: 2, failed: 0 });
  t.is((await recipient(t, B.email)).status, 'sent');
  const b = t.context.doc.recipients[0]!;
  const first = await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '03', numberNotation: '01/SYT', inReplyTo: b.messageId }));
  const again = await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '03', numberNotation: '01/SYT', inReplyTo: b.messageId }));
  run = await runReconcile(app);
  t.deepEqual(run.reports, { matched: 1, orphan: 0, duplicate: 1, failed: 0 });
  const row = await recipient(t, B.email);
  t.is(row.status, 'received');
  t.is(row.last_code, '03');
  t.is(await reportState(t, first), 'matched');
  t.is(await reportState(t, again), 'duplicate');
  const log = await app.db('reconcile_log').where({ recipient_id: b.id }).orderBy('id');
  t.deepEqual(log.map(l => [l.method, l.effect, l.to_status]), [['outbox', 'moved', 'sent'], ['in-reply-to', 'moved', 'received'], ['in-reply-to', 'duplicate', 'received']]);
  const history = await app.db('status_history').where({ subject_type: 'recipient', subject_id: b.id }).orderBy('id');
  t.deepEqual(history.map(h => h.to_state), ['queued', 'sent', 'received'], 'the duplicate leaves no history row');
  t.truthy(history[2].evidence_sha256, 'evidence: the raw report hash');
});

test('out-of-order reports are kept in history without moving the state backwards', async t => {
  const { app } = t.context.u;
  await runReconcile(app);
  const b = t.context.doc.recipients[0]!;
  await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '06', numberNotation: '01/SYT', inReplyTo: b.messageId }));
  await runReconcile(app);
  // Older news arriving later: the DSN "delivered", the MDN, and the 03.
  const dsn = await injectReport(app, A.code, 'delivery-report', dsnMail({ to: A.email, recipient: B.email, action: 'delivered', status: '2.0.0', originalMessageId: b.messageId }));
  const mdn = await injectReport(app, A.code, 'read-receipt', mdnMail({ from: B.email, to: A.email, originalMessageId: b.messageId }));
  const st03 = await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '03', numberNotation: '01/SYT', inReplyTo: b.messageId }));
  await runReconcile(app);
  t.is((await recipient(t, B.email)).status, 'done');
  const log = await app.db('reconcile_log').whereIn('report_id', [dsn, mdn, st03]).orderBy('id');
  t.deepEqual(log.map(l => [l.method, l.event, l.effect]), [
    ['message-id', 'dsn:delivered', 'out-of-order'],
    ['original-message-id', 'mdn:displayed', 'out-of-order'],
    ['in-reply-to', 'status:03', 'out-of-order'],
  ]);
  const history = await app.db('status_history').where({ subject_type: 'recipient', subject_id: b.id }).orderBy('id');
  t.deepEqual(history.map(h => `${h.from_state}->${h.to_state}`), ['null->queued', 'queued->sent', 'sent->done', 'done->done', 'done->done', 'done->done']);
  t.true(history.slice(3).every(h => /^out-of-order/.test(h.note)));
  for (const id of [dsn, mdn, st03]) t.is(await reportState(t, id), 'matched');
});

test('orphans are kept and listed, never dropped', async t => {
  const { app } = t.context.u;
  const orphan = await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '03', numberNotation: '99/XYZ', inReplyTo: '<unknown@elsewhere.test>' }));
  const orphanDsn = await injectReport(app, A.code, 'delivery-report', dsnMail({ to: A.email, recipient: 'x@y.test', action: 'failed', status: '5.1.1', originalMessageId: '<not-ours@elsewhere.test>' }));
  const run = await runReconcile(app);
  t.is(run.reports.orphan, 2);
  t.is(await reportState(t, orphan), 'orphan');
  t.is(await reportState(t, orphanDsn), 'orphan');
  const report = await buildReconcileReport(app.db, app.ports.clock.now());
  t.deepEqual(report.orphans.map(o => o.id), [orphan, orphanDsn]);
  t.is((await app.db('reconcile_log').where({ effect: 'orphan' })).length, 2);
  // Still there after another run.
  await runReconcile(app);
  t.is((await buildReconcileReport(app.db, app.ports.clock.now())).orphans.length, 2);
});

test('a DSN matched by ENVID alone (message/global-delivery-status) bounces the recipient with status and words', async t => {
  const { app } = t.context.u;
  await runReconcile(app);
  const c = await recipient(t, C.email);
  await injectReport(app, A.code, 'delivery-report', dsnMail({ to: A.email, recipient: C.email, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <vanthu@stc.vinhlong.test>: Recipient address rejected: User unknown', envid: c.envid, global: true }));
  await runReconcile(app);
  const row = await recipient(t, C.email);
  t.is(row.status, 'bounced');
  t.is(row.last_code, '5.1.1');
  t.regex(row.last_note, /User unknown/);
  t.is((await app.db('reconcile_log').where({ recipient_id: c.id }).orderBy('id', 'desc').first()).method, 'envid');
});

test('ResponseFor matches without mail headers; the subject is the last resort and flagged as a guess', async t => {
  const { app } = t.context.u;
  await runReconcile(app);
  const doc = await app.db('outgoing_documents').first();
  await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '04', numberNotation: '01/SYT', responseFor: { organId: A.code, code: '01/SYT', documentId: doc.document_id }, fromOrganId: B.code }));
  await injectReport(app, A.code, 'reply', await replyMail({ from: C.email, to: A.email, subject: 'Re: [VBĐT] 01/SYT ngày 20/11/2026: V/v đối soát', text: 'Chúng tôi đã nhận được văn bản.\n\n> trích dẫn' }));
  await runReconcile(app);
  t.is((await recipient(t, B.email)).status, 'assigned');
  const c = await recipient(t, C.email);
  t.is(c.status, 'received');
  const log = await app.db('reconcile_log').whereNotNull('report_id').orderBy('id');
  t.deepEqual(log.map(l => [l.method, !!l.guess, l.event]), [['response-for', false, 'status:04'], ['subject-guess', true, 'reply:03']]);
  const report = await buildReconcileReport(app.db, app.ports.clock.now());
  t.deepEqual(report.lines.map(l => [l.recipient, l.state]), [[B.email, 'assigned'], [C.email, 'received']]);
  t.deepEqual(report.totals, [{ agency: A.code, state: 'assigned', count: 1 }, { agency: A.code, state: 'received', count: 1 }]);
});
