/**
 * Reconciliation through the real servers with two gateways: A (Sở Y tế) in this process, B (UBND)
 * as a second edoc-bridge process with its own database (`run --once` through the CLI). Then the
 * receipts that go wrong in real life arrive in A's mailbox: a duplicate 03 (new Message-ID), an
 * out-of-order 01 after the 03, and an orphan 03 about a document A never sent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { buildReconcileReport } from '../../src/reconcile/tracking-report.js';
import { buildStatus } from '../../src/edxml/status.js';
import { createTestDatabase } from '../helpers/db.js';
import { AGENCIES, openWorld, configObject, worldEnv, type World } from '../helpers/world.js';
import { runCli } from '../helpers/cli.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { mailServer, waitForMessages } from '../helpers/mailserver.js';
import { cycle, integrationTest } from '../helpers/integration.js';

const test = await integrationTest();

/** A's cycle (A is the only hosted mailbox here). */
const cycleA = (ta: World) => cycle(ta);

test.serial('two gateways: B (second process) answers 03; duplicate, out-of-order and orphan receipts in A’s mailbox are each handled', async t => {
  const srv = mailServer();
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  // B: its own directory, config and database, run as a separate process.
  const bDir = path.join(ta.dir, 'gateway-b');
  await mkdir(bDir, { recursive: true });
  const bConfig = path.join(bDir, 'config.yaml');
  const bDatabase = await createTestDatabase(bDir);
  t.teardown(bDatabase.drop);
  await writeFile(bConfig, stringify(configObject(bDir, ['ubnd'], { server: srv, database: bDatabase.settings })));
  const bEnv = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: bConfig };

  const doc = await submitDocument(ta.app, {
    agencyCode: AGENCIES.soyte.code,
    to: [AGENCIES.ubnd.code],
    files: [{ name: 'cv.pdf', content: await documentPdf({ issuerLines: ['SỞ Y TẾ'], numberNotation: '   /SYT', type: 'CÔNG VĂN' }), role: 'main' }],
    meta: parseSubmissionMeta({ summary: 'V/v đối soát hai cổng' }),
    source: 'cli',
  });
  const b = doc.recipients[0]!;
  await cycleA(ta);
  t.is((await ta.app.db('outgoing_recipients').first()).status, 'sent');

  // B's gateway registers it and sends its 03.
  await waitForMessages(AGENCIES.ubnd.email, 1);
  const runB = await runCli(['run', '--once', '--json'], bEnv);
  t.is(runB.code, 0, runB.stderr);
  t.is(JSON.parse(runB.stdout).outbox.sent, 1);
  for (let i = 0; i < 40 && (await ta.app.db('outgoing_recipients').first()).status !== 'received'; i++) {
    await new Promise(r => setTimeout(r, 250));
    await cycleA(ta);
  }
  t.is((await ta.app.db('outgoing_recipients').first()).status, 'received');

  // The receipts that go wrong, sent from B's mailbox like a peer would.
  const packet = (code: '01' | '03', numberNotation: string) =>
    buildStatus({ responseFor: { organId: AGENCIES.soyte.code, code: numberNotation }, from: { organId: AGENCIES.ubnd.code }, statusCode: code, description: 'x', timestamp: new Date().toISOString() });
  const status = (code: '01' | '03', numberNotation: string, inReplyTo: string | undefined, label: string) =>
    sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
      subject: `[VBĐT-TT] ${code} ${label}: ${numberNotation}`,
      headers: { 'Auto-Submitted': 'auto-replied', ...(inReplyTo ? { 'In-Reply-To': inReplyTo, References: inReplyTo } : {}) },
      attachments: [{ filename: 'trangthai.edxml', content: Buffer.from(packet(code, numberNotation)), contentType: 'application/xml' }],
    });
  const duplicate = await status('03', doc.numberNotation, b.messageId, 'Đã tiếp nhận');
  const outOfOrder = await status('01', doc.numberNotation, b.messageId, 'Đã đến');
  const orphan = await status('03', '77/QĐ-KHAC', '<doc.khong-phai-cua-ta@elsewhere.test>', 'Đã tiếp nhận');
  const ids = [duplicate, outOfOrder, orphan];
  for (let i = 0; i < 40; i++) {
    await cycleA(ta);
    const rows = await ta.app.db('inbound_reports').join('received_mails', 'received_mails.id', 'inbound_reports.received_mail_id').whereIn('received_mails.message_id', ids).whereNot('inbound_reports.state', 'pending');
    if (rows.length === 3) break;
    await new Promise(r => setTimeout(r, 250));
  }
  const stateOf = async (id: string) => (await ta.app.db('inbound_reports').join('received_mails', 'received_mails.id', 'inbound_reports.received_mail_id').where('received_mails.message_id', id).first('inbound_reports.state')).state;
  t.is(await stateOf(duplicate), 'duplicate');
  t.is(await stateOf(outOfOrder), 'matched');
  t.is(await stateOf(orphan), 'orphan');
  const recipient = await ta.app.db('outgoing_recipients').first();
  t.is(recipient.status, 'received', 'never moved backwards');
  const history = await ta.app.db('status_history').where({ subject_type: 'recipient', subject_id: recipient.id }).orderBy('id');
  t.true(history.some(h => h.code === '01' && h.from_state === 'received' && h.to_state === 'received' && /^out-of-order/.test(h.note)));
  t.is(history.filter(h => h.code === '03').length, 1, 'the duplicate left no history');
  const report = await buildReconcileReport(ta.app.db, ta.app.ports.clock.now());
  t.deepEqual(report.lines.map(l => [l.recipient, l.state]), [[AGENCIES.ubnd.email, 'received']]);
  t.true(report.orphans.some(o => o.subject === '[VBĐT-TT] 03 Đã tiếp nhận: 77/QĐ-KHAC'));
});
