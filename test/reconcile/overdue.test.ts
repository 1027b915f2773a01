import anyTest, { type TestFn } from 'ava';
import { claimDue, enqueue } from '../../src/db/outbox.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { runOverdue } from '../../src/reconcile/overdue.js';
import { runReconcile } from '../../src/reconcile/pipeline.js';
import { recordSends } from '../../src/reconcile/record-sends.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';
import { injectReport } from './_reports.js';

const test = anyTest as TestFn<{ u: World; clock: ReturnType<typeof stepClock> }>;
test.beforeEach(async t => {
  t.context.clock = stepClock('2026-11-20T03:00:00Z'); // Friday 10:00 Vietnam
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: t.context.clock });
});
test.afterEach.always(async t => t.context.u?.close());

const submit = async (u: World, urgency: 'normal' | 'hoa-toc' = 'normal', to: string[] = [B.code]) =>
  submitDocument(u.app, { agencyCode: A.code, to, files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ summary: 'V/v hạn', urgency }), source: 'cli' });

test('a send after the deadline and a receipt not received by its deadline raise alerts once: log, event log, notice to the clerk', async t => {
  const { u, clock } = t.context;
  await submit(u, 'normal', [B.code, C.code]);
  // Nothing happens before the deadline (Monday 23/11 11:30).
  t.deepEqual(await runOverdue(u.app), { lateSends: 0, overdue: 0 });
  clock.set('2026-11-23T05:00:00Z'); // Monday 12:00: past the send cut-off, still unsent
  t.deepEqual(await runOverdue(u.app), { lateSends: 2, overdue: 0 });
  t.deepEqual(await runOverdue(u.app), { lateSends: 0, overdue: 0 }, 'once');
  // C's mail finally goes at 12:00: the late send is recorded with its alert already raised; B's too.
  await runOutbox(u.app);
  await recordSends(u.app);
  const b = await u.app.db('outgoing_recipients').where({ address: B.email }).first();
  t.is(b.status, 'sent');
  t.is(b.deadline, new Date('2026-11-23T17:00:00+07:00').toISOString(), 'receipt expected the same day');
  // B answers 03 in time; C never does.
  await injectReport(u.app, A.code, 'status', Buffer.from(`From: ${B.email}\r\nTo: ${A.email}\r\nSubject: [VBĐT-TT] 03 Đã tiếp nhận: 01/SYT\r\nIn-Reply-To: ${b.message_id}\r\nMessage-ID: <x1@peer.test>\r\n\r\nĐã tiếp nhận.\r\n`));
  await runReconcile(u.app);
  clock.set('2026-11-23T10:30:00Z'); // Monday 17:30
  t.deepEqual(await runOverdue(u.app), { lateSends: 0, overdue: 1 });
  t.deepEqual(await runOverdue(u.app), { lateSends: 0, overdue: 0 }, 'once');
  const c = await u.app.db('outgoing_recipients').where({ address: C.email }).first();
  t.is(c.status, 'overdue');
  t.is((await u.app.db('outgoing_recipients').where({ address: B.email }).first()).status, 'received');
  const notices = await u.app.db('outbox').where({ kind: 'notice' }).orderBy('id');
  t.deepEqual(notices.map(n => n.to_address), [A.email, A.email, A.email]);
  t.regex(notices[2].subject, /chưa thông báo tiếp nhận văn bản 01\/SYT/);
  t.deepEqual((await u.app.db('events').whereIn('event', ['OUTBOX_LATE', 'RECIPIENT_OVERDUE']).orderBy('id')).map(e => e.event), ['OUTBOX_LATE', 'OUTBOX_LATE', 'RECIPIENT_OVERDUE']);
  t.true(u.log.lines.some(l => l.event === 'RECIPIENT_OVERDUE'));
  // A late 03 from C still counts: overdue is a detour, not an end.
  await injectReport(u.app, A.code, 'status', Buffer.from(`From: ${C.email}\r\nTo: ${A.email}\r\nSubject: [VBĐT-TT] 03 Đã tiếp nhận: 01/SYT\r\nIn-Reply-To: ${c.message_id}\r\nMessage-ID: <x2@peer.test>\r\n\r\nĐã tiếp nhận.\r\n`));
  await runReconcile(u.app);
  t.is((await u.app.db('outgoing_recipients').where({ address: C.email }).first()).status, 'received');
});

test('urgent first: a hỏa tốc document queued after a normal one is claimed first', async t => {
  const { u } = t.context;
  await submit(u, 'normal');
  await submit(u, 'hoa-toc');
  const claimed = await claimDue(u.app.db, u.app.ports.clock.now(), { limit: 1, claimMs: 60_000 });
  t.regex(claimed[0]!.subject, /^\[HỎA TỐC\] \[VBĐT\] 02\/SYT/);
});

test('a non-standard bounce quoting our Message-ID bounces the recipient; a DSN about one of our answers is noted, not an orphan', async t => {
  const { u } = t.context;
  const doc = await submit(u, 'normal', [B.code]);
  await runOutbox(u.app);
  await runReconcile(u.app);
  const bounce = [
    'From: MAILER-DAEMON@mail.peer.test',
    `To: ${A.email}`,
    'Subject: failure notice',
    'Message-ID: <qmail-1@mail.peer.test>',
    '',
    'Hi. This is the qmail-send program at mail.peer.test.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.',
    '',
    `<${B.email}>:`,
    'Sorry, no mailbox here by that name. (#5.1.1)',
    '',
    '--- Below this line is a copy of the message.',
    '',
    `Message-ID: ${doc.recipients[0]!.messageId}`,
    'Subject: [VBĐT] 01/SYT',
    '',
  ].join('\r\n');
  await injectReport(u.app, A.code, 'delivery-report', bounce);
  // Our own 03 answer (as B's side queues it) bounced back to us.
  await enqueue(u.app.db, { agencyCode: B.code, kind: 'receipt', dedupeKey: 'x', messageId: '<st.m1.x.03@edoc.vinhlong.test>', to: 'old@peer.test', subject: 's', message: { from: { name: 'B', address: B.email }, text: 't', headers: {}, attachments: [] }, priority: 0 }, u.app.ports.clock.now());
  await injectReport(u.app, B.code, 'delivery-report', `From: MAILER-DAEMON@mail.test\r\nTo: ${B.email}\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="Z"\r\n\r\n--Z\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.test\r\n\r\nFinal-Recipient: rfc822; old@peer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--Z\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <st.m1.x.03@edoc.vinhlong.test>\r\n\r\n--Z--\r\n`);
  const run = await runReconcile(u.app);
  t.deepEqual(run.reports, { matched: 2, orphan: 0, duplicate: 0, failed: 0 });
  const b = await u.app.db('outgoing_recipients').where({ address: B.email }).first();
  t.is(b.status, 'bounced');
  t.is(b.last_code, '5.1.1');
  t.truthy(await u.app.db('reconcile_log').where({ effect: 'noted' }).first());
});
