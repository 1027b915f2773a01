/**
 * Malware scanning in the intake against the real Postfix + Dovecot and the test clamd
 * (scripts/clamav.sh; docs/hostile-input.md §Scanning): EICAR in a document mail is quarantined
 * with its signature and the sender gets a refusal 02; with clamd stopped the mail is held in the
 * inbox, and it is registered once clamd is back; a document over clamd's StreamMaxLength is
 * quarantined as SCAN_TOO_LARGE (a clamd of its own with CLAMAV_STREAM_MAX=16K), and once retried
 * while clamd is down it is held in the Quarantine folder and registered by a cycle when clamd is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { retryQuarantined } from '../../src/inbound/quarantine-actions.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { TEST_SIGNATURES, clamavScript, requireClamd } from '../helpers/clamav.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { fetchAllParsed, integrationTest } from '../helpers/integration.js';
import { countMessages, waitForMessages } from '../helpers/mailserver.js';
import { AGENCIES, openWorld } from '../helpers/world.js';

const test = await integrationTest();
const SOYTE = AGENCIES.soyte.email;
const UBND = AGENCIES.ubnd.email;

test.serial('EICAR in a document mail: quarantined with the signature name, and the sender gets a refusal 02 in Vietnamese', async t => {
  const socket = await requireClamd(t);
  if (!socket) return;
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, overrides: { scan: { socket } } }));
  await sendMail(UBND, SOYTE, {
    subject: 'Công văn số 90/UBND-VP về việc thử nghiệm',
    attachments: [
      { filename: '90-UBND-VP.pdf', content: await documentPdf({ numberNotation: '90/UBND-VP' }), contentType: 'application/pdf' },
      { filename: 'phu-luc.txt', content: Buffer.from(TEST_SIGNATURES.eicar.text), contentType: 'text/plain' },
    ],
  });
  await waitForMessages(SOYTE, 1);
  const report = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['quarantined', 'MALWARE_FOUND']]);
  const q = await ta.app.db('quarantine').first();
  t.is(q.reason_code, 'MALWARE_FOUND');
  t.regex(q.detail, new RegExp(`phu-luc\\.txt: ${TEST_SIGNATURES.eicar.name.replace(/\./g, '\\.')}`));
  t.is((await ta.app.db('register_entries')).length, 0);
  t.is(await countMessages(SOYTE, 'Quarantine'), 1);
  t.is(await countMessages(SOYTE, 'INBOX'), 0);

  t.deepEqual(await runOutbox(ta.app), { sent: 1, deferred: 0, failed: 0 });
  await waitForMessages(UBND, 1);
  const [refusal] = await fetchAllParsed(UBND);
  const edxml = refusal!.attachments.find(a => /\.edxml$/i.test(a.filename ?? ''));
  t.truthy(edxml, 'the refusal carries its status packet');
  t.regex(edxml!.content.toString('utf8'), /<edXML:StatusCode>02<\/edXML:StatusCode>|StatusCode>02</);
  t.regex(refusal!.text ?? '', /chứa mã độc/);
});

test.serial('clamd stopped: the document is held in the inbox, never registered unscanned; registered once clamd is back', async t => {
  if (!(await requireClamd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-intake-'));
  t.teardown(async () => {
    clamavScript('stop', dir);
    await rm(dir, { recursive: true, force: true });
  });
  t.is(clamavScript('start', dir).code, 0);
  const socket = path.join(dir, 'run', 'clamd.sock');
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, overrides: { scan: { socket, timeoutMs: 5000 } } }));
  t.is(clamavScript('stop', dir).code, 0);
  await sendMail(UBND, SOYTE, {
    subject: 'Công văn số 91/UBND-VP về việc thử nghiệm',
    attachments: [{ filename: '91-UBND-VP.pdf', content: await documentPdf({ numberNotation: '91/UBND-VP' }), contentType: 'application/pdf' }],
  });
  await waitForMessages(SOYTE, 1);

  const held = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(held.processed.map(p => p.outcome), ['held-for-scan']);
  const row = await ta.app.db('received_mails').first();
  t.is(row.state, 'held');
  t.regex(row.last_error, /SCANNER_UNAVAILABLE/);
  t.is((await ta.app.db('register_entries')).length, 0);
  t.is(await countMessages(SOYTE, 'INBOX'), 1, 'held in the inbox');

  t.is(clamavScript('start', dir).code, 0);
  const back = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(back.processed.map(p => p.outcome), ['registered']);
  t.is((await ta.app.db('register_entries')).length, 1);
  t.is(await countMessages(SOYTE, 'INBOX'), 0);
  t.is(await countMessages(SOYTE, 'Processed'), 1);
});

test.serial("a document over clamd's StreamMaxLength: quarantined as SCAN_TOO_LARGE, not held, not registered, not refused; retried while clamd is down, registered by a cycle once it is back", async t => {
  if (!(await requireClamd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-big-'));
  t.teardown(async () => {
    clamavScript('stop', dir);
    await rm(dir, { recursive: true, force: true });
  });
  const started = clamavScript('start', dir, { CLAMAV_STREAM_MAX: '16K' });
  t.is(started.code, 0, started.out);
  const socket = path.join(dir, 'run', 'clamd.sock');
  const ta = (t.context.t = await openWorld(['soyte'], { server: true, overrides: { scan: { socket, timeoutMs: 10_000 } } }));
  await sendMail(UBND, SOYTE, {
    subject: 'Công văn số 92/UBND-VP về việc thử nghiệm',
    attachments: [
      { filename: '92-UBND-VP.pdf', content: await documentPdf({ numberNotation: '92/UBND-VP' }), contentType: 'application/pdf' },
      { filename: 'ho-so.bin', content: Buffer.alloc(64 * 1024, 'x'), contentType: 'application/octet-stream' },
    ],
  });
  await waitForMessages(SOYTE, 1);
  const report = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(report.processed.map(p => [p.outcome, p.detail ?? null]), [['quarantined', 'SCAN_TOO_LARGE']]);
  const q = await ta.app.db('quarantine').first();
  t.regex(q.reason, /^Tệp quá lớn để quét mã độc/u);
  t.regex(q.detail, /ho-so\.bin: SCANNER_SIZE_LIMIT: clamd/u);
  t.is((await ta.app.db('register_entries')).length, 0);
  t.is((await ta.app.db('outbox')).length, 0, 'no refusal');
  t.is(await countMessages(SOYTE, 'INBOX'), 0, 'not held');
  t.is(await countMessages(SOYTE, 'Quarantine'), 1);

  // The operator raises the limit and retries while clamd is restarting: held in the Quarantine
  // folder, no cycle lists it there; the next cycle after clamd is back registers it from the store.
  t.is(clamavScript('stop', dir).code, 0);
  t.is((await retryQuarantined(ta.app, q.id)).outcome, 'held-for-scan');
  t.deepEqual((await runIntakeCycle(ta.app, ta.agency('soyte'))).processed, [], 'still down: left held');
  t.is((await ta.app.db('received_mails').first()).state, 'held');
  const restarted = clamavScript('start', dir, { CLAMAV_STREAM_MAX: '1M' });
  t.is(restarted.code, 0, restarted.out);
  const back = await runIntakeCycle(ta.app, ta.agency('soyte'));
  t.deepEqual(back.processed.map(p => p.outcome), ['registered']);
  t.is((await ta.app.db('register_entries')).length, 1);
});
