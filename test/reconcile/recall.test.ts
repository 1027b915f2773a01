import anyTest, { type TestFn } from 'ava';
import { setEntryStatus } from '../../src/outbound/clerk-status.js';
import { recallDocument } from '../../src/outbound/recall.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { runReconcile } from '../../src/reconcile/pipeline.js';
import { parseStatus } from '../../src/edxml/status.js';
import { parseEnvelope } from '../../src/edxml/envelope.js';
import type { OutboxMessage } from '../../src/db/outbox.js';
import { entry, receivedMail } from '../helpers/factories.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';
import { injectReport, statusMail } from './_reports.js';

const test = anyTest as TestFn<{ u: World }>;
test.beforeEach(async t => {
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z') });
});
test.afterEach.always(async t => t.context.u?.close());

/** An incoming entry at B as intake registers it (sender A, the sender's Message-ID). */
async function incomingEntry(u: World, senderMessageId: string): Promise<number> {
  const { app } = u;
  const now = app.ports.clock.now();
  const received = await receivedMail(app.db, { agencyCode: B.code, messageId: senderMessageId, subject: '[VBĐT] 05/SYT ngày 20/11/2026: V/v thu hồi', at: now });
  return entry(app.db, {
    agencyCode: B.code, arrivalNumber: 7, arrivalAt: now, receivedMailId: received.id, issuerCode: A.code, issuerName: A.name, numberNotation: '05/SYT', number: '05', notation: 'SYT',
    docDate: '2026-11-20', docType: 'Công văn', summary: 'V/v thu hồi', documentId: `${A.code},2026/11/20,05/SYT`, senderAddress: A.email, senderMessageId,
  });
}

test('the receiving clerk moves an entry on: 04, 05, 06 are queued to the sender, never backwards', async t => {
  const u = t.context.u;
  const entryId = await incomingEntry(u, '<doc.x@edoc.vinhlong.test>');
  const r4 = await setEntryStatus(u.app, entryId, 'assigned', 'Giao phòng Nghiệp vụ');
  t.is(r4.code, '04');
  t.true(r4.queued);
  await setEntryStatus(u.app, entryId, 'done');
  await t.throwsAsync(setEntryStatus(u.app, entryId, 'processing'), { message: /cannot become processing/ });
  const out = await u.app.db('outbox').orderBy('id');
  t.deepEqual(out.map(o => [o.to_address, o.subject]), [[A.email, '[VBĐT-TT] 04 Đã phân công: 05/SYT'], [A.email, '[VBĐT-TT] 06 Hoàn thành: 05/SYT']]);
  const m = JSON.parse(out[0].message) as OutboxMessage;
  t.is(m.inReplyTo, '<doc.x@edoc.vinhlong.test>');
  const history = await u.app.db('status_history').where({ subject_type: 'entry', subject_id: entryId }).orderBy('id');
  t.deepEqual(history.map(h => [h.from_state, h.to_state, h.code]), [['registered', 'assigned', '04'], ['assigned', 'done', '06']]);
});

test('recall both ways: 13 to each recipient, the receiver cancels its entry (metadata kept) and answers 15, the sender shows recalled', async t => {
  const u = t.context.u;
  const { app } = u;
  const doc = await submitDocument(app, { agencyCode: A.code, to: [B.code, C.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ summary: 'V/v thu hồi' }), source: 'cli' });
  await runOutbox(app);
  await runReconcile(app);
  const r = await recallDocument(app, doc.numberNotation, 'Ban hành sai thẩm quyền', { agencyCode: A.code });
  t.is(r.requested.length, 2);
  t.is((await app.db('outgoing_documents').first()).state, 'recalled');
  const recalls = await app.db('outbox').where({ kind: 'recall' }).orderBy('id');
  t.is(recalls.length, 2);
  t.is(recalls[0].subject, `[VBĐT-TT] 13 Yêu cầu thu hồi: ${doc.numberNotation}`);
  const msg = JSON.parse(recalls[0].message) as OutboxMessage;
  t.is(msg.inReplyTo, doc.recipients[0]!.messageId);
  const packet = parseStatus(await app.ports.blobs.get(msg.attachments[0]!.sha256));
  t.is(packet.statusCode, '13');
  t.is(packet.responseFor?.code, doc.numberNotation);
  const revoke = parseEnvelope(await app.ports.blobs.get(msg.attachments[1]!.sha256));
  t.is(msg.attachments[1]!.filename, 'vanban.edxml');
  t.is(revoke.businessDocType, 1);
  t.is(revoke.businessDocReason, 'Ban hành sai thẩm quyền');
  t.is((await app.db('outgoing_recipients').where({ address: B.email }).first()).status, 'recall-requested');

  // B (hosted here too) receives the recall: its entry is cancelled, the clerk told, 15 queued.
  const b = doc.recipients[0]!;
  const entryId = await incomingEntry(u, b.messageId);
  const raw = await statusMail({ from: A.email, to: B.email, code: '13', numberNotation: doc.numberNotation, inReplyTo: b.messageId, description: 'Ban hành sai thẩm quyền', messageId: recalls[0].message_id });
  await injectReport(app, B.code, 'recall', raw);
  let run = await runReconcile(app);
  t.is(run.recalls.cancelled, 1);
  const entry = await app.db('register_entries').where({ id: entryId }).first();
  t.is(entry.status, 'cancelled');
  t.is(entry.number_notation, '05/SYT', 'metadata kept');
  const answer = await app.db('outbox').where({ agency_code: B.code, kind: 'receipt' }).first();
  t.is(answer.subject, '[VBĐT-TT] 15 Đồng ý thu hồi: 05/SYT');
  t.is(JSON.parse(answer.message).inReplyTo, recalls[0].message_id);
  t.truthy(await app.db('outbox').where({ agency_code: B.code, kind: 'notice' }).first(), 'the clerk is told');
  // The same recall again: nothing more.
  await injectReport(app, B.code, 'recall', raw);
  run = await runReconcile(app);
  t.is(run.recalls.duplicate, 1);

  // A receives B's 15 (In-Reply-To = the recall mail) and C's 16.
  await injectReport(app, A.code, 'status', await statusMail({ from: B.email, to: A.email, code: '15', numberNotation: doc.numberNotation, inReplyTo: recalls[0].message_id }));
  await injectReport(app, A.code, 'status', await statusMail({ from: C.email, to: A.email, code: '16', numberNotation: doc.numberNotation, inReplyTo: recalls[1].message_id, description: 'Đã triển khai' }));
  await runReconcile(app);
  t.is((await app.db('outgoing_recipients').where({ address: B.email }).first()).status, 'recalled');
  t.is((await app.db('outgoing_recipients').where({ address: C.email }).first()).status, 'recall-refused');
  await t.throwsAsync(recallDocument(app, String(doc.documentId), 'lần hai'), { message: /already recalled/ });
});

test('a recall that overtakes its document waits (pending) and cancels the entry once it is registered; after a day without one it is an orphan', async t => {
  const u = t.context.u;
  const clock = u.app.ports.clock as ReturnType<typeof stepClock>;
  const early = await injectReport(u.app, B.code, 'recall', await statusMail({ from: A.email, to: B.email, code: '13', numberNotation: '05/SYT', inReplyTo: '<doc.early@edoc.vinhlong.test>', description: 'Sai' }));
  const never = await injectReport(u.app, B.code, 'recall', await statusMail({ from: A.email, to: B.email, code: '13', numberNotation: '66/SYT', inReplyTo: '<doc.never@edoc.vinhlong.test>', description: 'Sai' }));
  let run = await runReconcile(u.app);
  t.is(run.recalls.waiting, 2);
  const entryId = await incomingEntry(u, '<doc.early@edoc.vinhlong.test>');
  run = await runReconcile(u.app);
  t.is(run.recalls.cancelled, 1);
  t.is((await u.app.db('register_entries').where({ id: entryId }).first()).status, 'cancelled');
  t.is((await u.app.db('inbound_reports').where({ id: early }).first()).state, 'matched');
  clock.advance(25 * 3600 * 1000);
  run = await runReconcile(u.app);
  t.is(run.recalls.orphan, 1);
  t.is((await u.app.db('inbound_reports').where({ id: never }).first()).state, 'orphan');
});
