import anyTest, { type TestFn } from 'ava';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { parseEnvelope } from '../../src/edxml/envelope.js';
import { listOutbox, type OutboxMessage } from '../../src/db/outbox.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { sha256Hex } from '../../src/mail/parse.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ u: World; clock: ReturnType<typeof stepClock> }>;

test.beforeEach(async t => {
  t.context.clock = stepClock('2026-11-20T03:00:00Z'); // Friday 10:00 in Vietnam
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: t.context.clock });
});
test.afterEach.always(async t => t.context.u?.close());

const meta = parseSubmissionMeta({ type: 'Công văn', summary: 'V/v triển khai gửi nhận văn bản điện tử', signer: { competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', name: 'Trần Văn Bình' } });

test('a submission takes the next gapless number per agency and year and queues one mail per recipient', async t => {
  const { app } = t.context.u;
  const first = await submitDocument(app, { agencyCode: A.code, to: [B.code, C.email], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' });
  const second = await submitDocument(app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv2.pdf', content: await pdf(), role: 'main' }], meta: { ...meta, type: 'Quyết định' }, source: 'cli' });
  const otherAgency = await submitDocument(app, { agencyCode: B.code, to: [A.code], files: [{ name: 'x.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' });
  t.is(first.numberNotation, '01/SYT');
  t.is(second.numberNotation, '02/QĐ-SYT');
  t.is(otherAgency.numberNotation, '01/UBND', 'each agency has its own series');
  t.deepEqual(first.recipients.map(r => [r.agencyCode, r.address]), [[B.code, B.email], [C.code, C.email]]);
  t.is(first.recipients[0]!.messageId, `<doc.000_00_31_H62-2026-1.000_00_00_H62.i${app.config.installation}@edoc.vinhlong.test>`);
  const outbox = await listOutbox(app.db, {});
  t.is(outbox.length, 4);
  const rows = await app.db('outgoing_recipients').where({ document_id: first.documentId });
  t.true(rows.every(r => r.status === 'queued' && r.progress === 'queued' && r.outbox_id));
  const history = await app.db('status_history').where({ subject_type: 'recipient' });
  t.is(history.length, 4);
});

test('a failed submission gives its number back (one transaction)', async t => {
  const { app } = t.context.u;
  await t.throwsAsync(submitDocument(app, { agencyCode: A.code, to: [B.code], files: [{ name: 'bad.pdf', content: Buffer.from('%PDF-1.7 broken'), role: 'main' }], meta, source: 'cli' }));
  const ok = await submitDocument(app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' });
  t.is(ok.number, 1);
  t.is(Number((await app.db('outgoing_documents').count('* as n'))[0]!.n), 1);
  await t.throwsAsync(submitDocument(app, { agencyCode: A.code, to: ['000.99.99.H62'], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' }), { message: /not in the directory/ });
});

test('the document mail (docs/mail.md §Document mail): subject, DSN and MDN requested, stamped PDF and vanban.edxml with SHA-256 manifest', async t => {
  const { app } = t.context.u;
  const original = await pdf();
  const annex = await pdf('Phụ lục');
  const r = await submitDocument(app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: original, role: 'main' }, { name: 'phu-luc.pdf', content: annex, role: 'annex' }], meta: { ...meta, urgency: 'khan' }, source: 'cli' });
  const [row] = await listOutbox(app.db, {});
  t.is(row!.subject, '[KHẨN] [VBĐT] 01/SYT ngày 20/11/2026: V/v triển khai gửi nhận văn bản điện tử');
  t.is(row!.priority, 1);
  const message = JSON.parse(row!.message) as OutboxMessage;
  t.deepEqual(message.dsn, { envid: (await app.db('outgoing_recipients').first()).envid, notify: ['SUCCESS', 'FAILURE', 'DELAY'] });
  t.true(message.requestReadReceipt);
  // Named after the number, not the draft's names; the Vietnamese name beside it (docs/mail.md §Document mail).
  t.deepEqual(message.attachments.map(a => a.filename), ['01-SYT.pdf', '01-SYT-phu-luc-1.pdf', 'vanban.edxml']);
  t.deepEqual(message.attachments.map(a => a.description), ['Công văn số 01/SYT', 'Phụ lục 1 – Công văn số 01/SYT', undefined]);
  const sent = await app.ports.blobs.get(message.attachments[0]!.sha256);
  t.not(sha256Hex(sent), sha256Hex(original), 'the number and date were stamped onto the PDF');
  t.true(sent.subarray(0, original.length).equals(original), 'as an incremental update: earlier signatures stay valid');
  const env = parseEnvelope(await app.ports.blobs.get(message.attachments[2]!.sha256));
  t.true(env.ok, env.errors.join('; '));
  t.is(env.numberNotation, '01/SYT');
  t.is(env.from?.organId, A.code);
  t.is(env.documentId, `${A.code},2026/11/20,01/SYT`);
  t.is(env.priority, 1);
  t.deepEqual(env.attachments.map(a => [a.name, a.sha256]), message.attachments.slice(0, 2).map(a => [a.filename, a.sha256]));
  // The rendered mail round-trips: Vietnamese body, NFC.
  t.regex(message.text, /Số, ký hiệu: 01\/SYT/);
  t.is(message.text, message.text.normalize('NFC'));
  const raw = await new MailComposer({ from: message.from, to: B.email, subject: row!.subject, text: message.text }).compile().build();
  t.is((await simpleParser(raw)).subject, row!.subject);
  const doc = await app.db('outgoing_documents').where({ id: r.documentId }).first();
  t.is(doc.send_deadline, '2026-11-20T04:00:00.000Z', 'khẩn: within the hour');
});

test('send deadline: signed Friday 17:00 is due Monday at the cut-off (calendar: test/domain/calendar/deadlines.test.ts)', async t => {
  const { app } = t.context.u;
  t.context.clock.set('2026-11-20T10:00:00Z'); // Friday 17:00 in Vietnam
  {
    const r = await submitDocument(app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: { ...meta, processingDays: 3 }, source: 'cli' });
    const doc = await app.db('outgoing_documents').where({ id: r.documentId }).first();
    t.is(doc.send_deadline, new Date('2026-11-23T11:30:00+07:00').toISOString());
    // 3 working days: Mon 23, Wed 25, Thu 26 (Tue 24/11 is Ngày Văn hóa Việt Nam from 2026, config/holidays.yaml).
    t.is(doc.due_date, '2026-11-26');
  }
});
