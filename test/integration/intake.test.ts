/**
 * The incoming pipeline against the real Postfix + Dovecot: a document mailed to an agency's
 * official mailbox is registered and answered; duplicates, UIDVALIDITY changes and bad input.
 * Serial: the tests share the server's mailboxes (reset before each).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { parseStatus } from '../../src/edxml/status.js';
import { AGENCIES, openWorld, type World } from '../helpers/world.js';
import { fetchAllParsed, integrationTest } from '../helpers/integration.js';
import { documentPdf, injectRaw, sendMail } from '../helpers/documents.js';
import { countMessages, imapClientOptions, mailServer, waitForMessages } from '../helpers/mailserver.js';

const test = await integrationTest();
const exec = promisify(execFile);

const agencyOf = (ta: World, code: string) => ta.config.agencies.find(a => a.code === code)!;

test.serial('a document mailed to an agency is registered with its metadata and the sender gets a 03 receipt', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  const pdf = await documentPdf();
  const messageId = await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
    subject: 'Quyết định số 12/QĐ-UBND về việc ban hành Quy chế gửi, nhận văn bản điện tử',
    attachments: [{ filename: 'Quyết định 12-QĐ-UBND.pdf', content: pdf, contentType: 'application/pdf' }],
  });
  await waitForMessages(AGENCIES.soyte.email, 1);

  const report = await runIntakeCycle(ta.app, agencyOf(ta, AGENCIES.soyte.code));
  t.is(report.processed.length, 1, JSON.stringify(report));
  t.is(report.processed[0]!.outcome, 'registered');

  const [entry] = await ta.app.db('register_entries').select();
  t.is(entry.agency_code, AGENCIES.soyte.code);
  t.is(entry.arrival_number, 1);
  t.is(entry.issuer_code, AGENCIES.ubnd.code);
  t.is(entry.issuer_name, AGENCIES.ubnd.name);
  t.is(entry.number_notation, '12/QĐ-UBND');
  t.is(entry.doc_date, '2019-05-15');
  t.is(entry.doc_type, 'Quyết định');
  t.regex(entry.summary, /ban hành Quy chế gửi, nhận văn bản điện tử/);
  t.is(entry.urgency, 'normal');
  t.is(entry.sender_message_id, messageId);
  const attachments = await ta.app.db('attachments').where({ entry_id: entry.id });
  t.is(attachments.length, 1);
  t.is(attachments[0].name, 'Quyết định 12-QĐ-UBND.pdf');
  t.is(attachments[0].pages, 1);
  t.is(Number(attachments[0].size), pdf.length);
  t.true(await ta.app.ports.blobs.has(attachments[0].sha256));

  // Moved out of the inbox only after the commit.
  t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 0);
  t.is(await countMessages(AGENCIES.soyte.email, 'Processed'), 1);

  const sent = await runOutbox(ta.app);
  t.deepEqual(sent, { sent: 1, deferred: 0, failed: 0 });
  await waitForMessages(AGENCIES.ubnd.email, 1);
  const [receipt] = await fetchAllParsed(AGENCIES.ubnd.email);
  t.regex(receipt!.subject ?? '', /^\[VBĐT-TT\] 03 Đã tiếp nhận: 12\/QĐ-UBND$/);
  t.is(receipt!.inReplyTo, messageId);
  t.is(receipt!.headers.get('auto-submitted'), 'auto-replied');
  const edxml = receipt!.attachments.find(a => a.filename === 'trangthai.edxml');
  t.truthy(edxml);
  const status = parseStatus(edxml!.content);
  t.is(status.statusCode, '03');
  t.is(status.responseFor?.code, '12/QĐ-UBND');
  t.is(status.responseFor?.organId, AGENCIES.ubnd.code);
  t.is(status.from?.organId, AGENCIES.soyte.code);
  t.regex(receipt!.text ?? '', /Số đến: 1/);
});

test.serial('the same mail delivered twice, or to two hosted mailboxes, gives one entry per agency and no second receipt', async t => {
  const ta = (t.context.t = await openWorld(['soyte', 'stc'], { server: true }));
  const pdf = await documentPdf({ numberNotation: '07/UBND-VP', type: 'CÔNG VĂN', summary: 'V/v triển khai hộp thư công' });
  const raw = Buffer.from(
    [
      `From: ${AGENCIES.ubnd.email}`,
      `To: ${AGENCIES.soyte.email}, ${AGENCIES.stc.email}`,
      'Subject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_07/UBND-VP?=',
      'Message-ID: <dup-test-1@ubnd.vinhlong.test>',
      'Date: Wed, 15 May 2019 09:00:00 +0700',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Kính gửi các cơ quan.',
      '--b1',
      'Content-Type: application/pdf; name="cv07.pdf"',
      'Content-Disposition: attachment; filename="cv07.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
  await injectRaw(AGENCIES.ubnd.email, [AGENCIES.soyte.email, AGENCIES.stc.email], raw);
  await injectRaw(AGENCIES.ubnd.email, [AGENCIES.soyte.email], raw);
  await waitForMessages(AGENCIES.soyte.email, 2);
  await waitForMessages(AGENCIES.stc.email, 1);

  for (const code of [AGENCIES.soyte.code, AGENCIES.stc.code]) await runIntakeCycle(ta.app, agencyOf(ta, code));
  const entries = await ta.app.db('register_entries').select('agency_code', 'arrival_number', 'number_notation').orderBy('agency_code');
  t.deepEqual(
    entries.map(e => [e.agency_code, e.arrival_number, e.number_notation]),
    [
      [AGENCIES.soyte.code, 1, '07/UBND-VP'],
      [AGENCIES.stc.code, 1, '07/UBND-VP'],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 0, 'the duplicate left the inbox too');
  t.is(await countMessages(AGENCIES.soyte.email, 'Processed'), 2);

  // One receipt per receiving agency, not one per delivery.
  const outbox = await ta.app.db('outbox').select('agency_code', 'kind');
  t.is(outbox.length, 2);
  // A later cycle finds nothing new.
  const again = await runIntakeCycle(ta.app, agencyOf(ta, AGENCIES.soyte.code));
  t.is(again.listed, 0);
  t.is(Number((await ta.app.db('register_entries').count('* as n'))[0]!.n), 2);
});

test.serial('a UIDVALIDITY change re-registers nothing', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
    subject: 'Công văn số 15/UBND-VP',
    attachments: [{ filename: 'cv15.pdf', content: await documentPdf({ numberNotation: '15/UBND-VP' }) }],
  });
  await waitForMessages(AGENCIES.soyte.email, 1);
  const agency = agencyOf(ta, AGENCIES.soyte.code);
  await runIntakeCycle(ta.app, agency);
  t.is(Number((await ta.app.db('register_entries').count('* as n'))[0]!.n), 1);

  // Put the mail back in the inbox under a new UIDVALIDITY, as a server rebuild would.
  const client = new ImapFlow(imapClientOptions(AGENCIES.soyte.email));
  await client.connect();
  await client.mailboxOpen('Processed');
  await client.messageCopy('1:*', 'INBOX');
  await client.logout();
  const srv = mailServer();
  const before = (await ta.app.db('mailbox_state').first()).uidvalidity;
  await exec('doveadm', ['-c', srv.dovecotConf, 'mailbox', 'update', '-u', AGENCIES.soyte.email, '--uid-validity', String(Number(before) + 1000), 'INBOX']);

  const report = await runIntakeCycle(ta.app, agency);
  t.is(report.listed, 1);
  t.is(report.duplicates, 1);
  t.is(Number((await ta.app.db('register_entries').count('* as n'))[0]!.n), 1);
  t.is(Number((await ta.app.db('outbox').count('* as n'))[0]!.n), 1, 'no second receipt');
  t.is(Number((await ta.app.db('mailbox_state').first()).uidvalidity), Number(before) + 1000);
  t.true(ta.log.lines.some(l => l.event === 'INTAKE_UIDVALIDITY_CHANGED'));
  t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 0);
});

test.serial('broken MIME, a non-PDF-only mail and a secrecy-marked document are quarantined or refused; the next mail is registered', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  const to = AGENCIES.soyte.email;
  // 1. Broken MIME: a multipart whose boundary never appears, and binary garbage in the headers.
  await injectRaw(AGENCIES.ubnd.email, [to], Buffer.concat([Buffer.from('From: x@ubnd.vinhlong.test\r\nSubject: \xff\xfe broken\r\nContent-Type: multipart/mixed; boundary="never"\r\nMessage-ID: <broken-1@ubnd.vinhlong.test>\r\n\r\n', 'latin1'), Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10])]));
  // 2. Only a Word file.
  await sendMail(AGENCIES.ubnd.email, to, { subject: 'Công văn số 20/UBND-VP', attachments: [{ filename: 'congvan.docx', content: Buffer.from('PK\x03\x04 not really a docx'), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }] });
  // 3. A document marked MẬT.
  await sendMail(AGENCIES.ubnd.email, to, { subject: 'Công văn số 21/UBND-VP', attachments: [{ filename: 'mat.pdf', content: await documentPdf({ numberNotation: '21/UBND-VP', secrecyMark: 'MẬT' }) }] });
  // 4. A good one.
  await sendMail(AGENCIES.ubnd.email, to, { subject: 'Quyết định số 22/QĐ-UBND', attachments: [{ filename: 'qd22.pdf', content: await documentPdf({ numberNotation: '22/QĐ-UBND' }) }] });
  await waitForMessages(to, 4);

  const report = await runIntakeCycle(ta.app, agencyOf(ta, AGENCIES.soyte.code));
  t.is(report.failed.length, 0, JSON.stringify(report.failed));
  const outcomes = report.processed.map(p => p.outcome).sort();
  t.deepEqual(outcomes, ['quarantined', 'refused', 'refused', 'registered'], JSON.stringify(report.processed));

  const entries = await ta.app.db('register_entries').select();
  t.is(entries.length, 1);
  t.is(entries[0].number_notation, '22/QĐ-UBND');
  t.is(entries[0].arrival_number, 1, 'refusals and quarantine take no arrival number');

  const received = await ta.app.db('received_mails').select();
  t.is(received.length, 4);
  for (const r of received) t.true(await ta.app.ports.blobs.has(r.raw_sha256), 'raw kept for every mail');

  const quarantine = await ta.app.db('quarantine').select();
  t.is(quarantine.length, 1);
  t.truthy(quarantine[0].reason);
  const refusals = await ta.app.db('outbox').where({ kind: 'refusal' }).select('subject', 'message');
  t.is(refusals.length, 2);
  const reasons = refusals.map(r => JSON.parse(r.message).text as string).join('\n');
  t.regex(reasons, /định dạng PDF/);
  t.regex(reasons, /MẬT/);
  t.is(await countMessages(to, 'INBOX'), 0);
  t.is(await countMessages(to, 'Quarantine'), 1);
  t.is(await countMessages(to, 'Processed'), 3);
});

test.serial("edoc-bridge's own notices to the clerk are recorded but stay in the inbox", async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  await sendMail(AGENCIES.soyte.email, AGENCIES.soyte.email, {
    subject: 'Văn bản 12/QĐ-UBND quá hạn chưa có xác nhận',
    headers: { 'X-Edoc-Notice': 'RECIPIENT_OVERDUE', 'Auto-Submitted': 'auto-generated' },
  });
  await waitForMessages(AGENCIES.soyte.email, 1);
  const agency = agencyOf(ta, AGENCIES.soyte.code);
  const first = await runIntakeCycle(ta.app, agency);
  t.is(first.processed[0]?.outcome, 'notice');
  const second = await runIntakeCycle(ta.app, agency);
  t.is(second.processed.length, 0);
  t.is(second.duplicates, 1);
  t.is(await countMessages(AGENCIES.soyte.email, 'INBOX'), 1, 'still where the clerk reads it');
  t.is(Number((await ta.app.db('outbox').count('* as n'))[0]!.n), 0, 'never answered');
});

test.serial('with worker threads (limits.intakeWorkers: 2) documents are prepared off the main thread with the same result', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, overrides: { limits: { intakeWorkers: 2 } } }));
  for (const n of [51, 52, 53]) {
    await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, { subject: `Quyết định số ${n}/QĐ-UBND`, attachments: [{ filename: `qd${n}.pdf`, content: await documentPdf({ numberNotation: `${n}/QĐ-UBND` }) }] });
  }
  await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, { subject: 'Công văn số 54/UBND-VP', attachments: [{ filename: 'mat.pdf', content: await documentPdf({ numberNotation: '54/UBND-VP', secrecyMark: 'TỐI MẬT' }) }] });
  await waitForMessages(AGENCIES.soyte.email, 4);
  const report = await runIntakeCycle(ta.app, agencyOf(ta, AGENCIES.soyte.code));
  t.deepEqual(report.processed.map(p => p.outcome), ['registered', 'registered', 'registered', 'refused'], JSON.stringify(report));
  const entries = await ta.app.db('register_entries').orderBy('arrival_number').select('arrival_number', 'number_notation');
  t.deepEqual(entries.map(e => [e.arrival_number, e.number_notation]), [[1, '51/QĐ-UBND'], [2, '52/QĐ-UBND'], [3, '53/QĐ-UBND']], 'numbered in arrival order');
  const sizes = await ta.app.db('attachments').whereNotNull('entry_id').select('size', 'pages');
  t.true(sizes.every(a => Number(a.size) > 0 && a.pages === 1), 'attachments came back from the workers intact');
});
