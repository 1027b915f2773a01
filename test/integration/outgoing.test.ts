/**
 * Outgoing documents end to end through the real Postfix + Dovecot: A (Sở Y tế) sends to B (UBND)
 * and C (an address that does not exist); B's gateway (hosted by the same process) registers and
 * answers; A's register follows B to received (03) and done (06), and shows C bounced with 5.1.1
 * and the server's words, whether Postfix refused C at RCPT time or bounced it with a DSN. Then a
 * recall: B's entry is cancelled with its metadata kept and A shows B recalled (15).
 * Serial: the tests share the server's mailboxes (reset before each).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseEnvelope } from '../../src/edxml/envelope.js';
import { AGENCIES, openWorld, configObject, worldEnv, type World } from '../helpers/world.js';
import { cycleUntil, fetchAllParsed, integrationTest } from '../helpers/integration.js';
import { runCli } from '../helpers/cli.js';
import { documentPdf } from '../helpers/documents.js';
import { mailServer } from '../helpers/mailserver.js';

const test = await integrationTest();

/** C: in the directory, but its mailbox does not exist (550 5.1.1 at RCPT time on the test server). */
export const NOWHERE = { code: '000.00.99.H62', name: 'Cơ quan không tồn tại', email: 'vanthu@khongco.vinhlong.test' };

/** The test config plus C in the directory and short names for notations. */
export function outgoingOverrides(): Record<string, unknown> {
  return {
    directory: [
      ...Object.values(AGENCIES).map(a => ({ code: a.code, name: a.name, emails: [a.email], kind: 'edoc-bridge' })),
      { code: NOWHERE.code, name: NOWHERE.name, emails: [NOWHERE.email], kind: 'mailbox' },
    ],
  };
}


const statusOf = async (ta: World, address: string): Promise<string> => (await ta.app.db('outgoing_recipients').where({ address }).first())?.status;

test.serial('A sends to B and C: B registers and answers (03, then 06 after its clerk), C bounces with 5.1.1; then a recall ends with B recalled (15)', async t => {
  const srv = mailServer();
  const ta = (t.context.t = await openWorld(['soyte', 'ubnd'], { server: true, overrides: outgoingOverrides() }));
  const configFile = path.join(ta.dir, 'config.yaml');
  await writeFile(configFile, stringify(configObject(ta.dir, ['soyte', 'ubnd'], { server: srv, overrides: outgoingOverrides(), database: ta.config.storage.database })));
  const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
  const pdfFile = path.join(ta.dir, 'cong-van.pdf');
  await writeFile(pdfFile, await documentPdf({ issuerLines: ['SỞ Y TẾ', 'TỈNH VĨNH LONG'], numberNotation: '     /SYT-VP', type: 'CÔNG VĂN', summary: 'V/v triển khai hồ sơ sức khỏe điện tử' }));

  // 1. Submission through the real CLI.
  const sent = await runCli(['send', '--from', AGENCIES.soyte.code, '--to', `${AGENCIES.ubnd.code},${NOWHERE.code}`, '--file', pdfFile, '--type', 'Công văn', '--notation', 'SYT-VP', '--summary', 'V/v triển khai hồ sơ sức khỏe điện tử', '--signer-position', 'GIÁM ĐỐC', '--signer-name', 'Lê Văn Minh', '--json'], env);
  t.is(sent.code, 0, sent.stderr);
  const submitted = JSON.parse(sent.stdout) as { documentId: number; numberNotation: string; recipients: Array<{ address: string; messageId: string }> };
  t.is(submitted.numberNotation, '01/SYT-VP');

  // 2. B registers it and answers 03; C is refused (RCPT) or bounced (DSN).
  await cycleUntil(ta, async () => (await statusOf(ta, AGENCIES.ubnd.email)) === 'received' && (await statusOf(ta, NOWHERE.email)) === 'bounced', 'B received, C bounced');
  const entry = await ta.app.db('register_entries').where({ agency_code: AGENCIES.ubnd.code }).first();
  t.is(entry.number_notation, '01/SYT-VP');
  t.is(entry.issuer_code, AGENCIES.soyte.code);
  t.is(entry.sender_message_id, submitted.recipients[0]!.messageId);
  t.is(entry.document_id, `${AGENCIES.soyte.code},${entry.doc_date.replace(/-/g, '/')},01/SYT-VP`);
  const c = await ta.app.db('outgoing_recipients').where({ address: NOWHERE.email }).first();
  t.is(c.last_code, '5.1.1');
  t.regex(c.last_note, /5\.1\.1/);
  t.regex(c.last_note, /khongco|[Uu]ser unknown|[Rr]ecipient address rejected|not found|does not exist/);

  // What B's mailbox got: the mail of docs/mail.md §Document mail, DSN/MDN requested, vanban.edxml manifest with SHA-256.
  // Found by its Message-ID: another engineer's integration run may share the mailboxes.
  const docMail = (await fetchAllParsed(AGENCIES.ubnd.email, 'Processed')).find(m => m.messageId === submitted.recipients[0]!.messageId);
  t.regex(docMail!.subject ?? '', /^\[VBĐT\] 01\/SYT-VP ngày \d\d\/\d\d\/\d{4}: V\/v triển khai hồ sơ sức khỏe điện tử$/);
  t.is(docMail!.messageId, submitted.recipients[0]!.messageId);
  t.is(docMail!.headers.get('disposition-notification-to') ? 'set' : 'missing', 'set');
  const env1 = parseEnvelope(docMail!.attachments.find(a => a.filename === 'vanban.edxml')!.content);
  const pdfPart = docMail!.attachments.find(a => a.filename === '01-SYT-VP.pdf')!;
  // RFC 2047 encoded words (mailparser leaves them encoded in a part's own headers).
  const description = String(pdfPart.headers.get('content-description')).replace(/=\?UTF-8\?Q\?(.*?)\?=/giu, (_, q: string) => Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/giu, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  t.is(description, 'Công văn số 01/SYT-VP', 'the Vietnamese display name');
  t.is(env1.attachments[0]!.sha256, (await import('node:crypto')).createHash('sha256').update(pdfPart.content).digest('hex'));

  // The DSN we asked for (NOTIFY=SUCCESS, ENVID) comes back from Postfix and is matched to B.
  const bId = (await ta.app.db('outgoing_recipients').where({ address: AGENCIES.ubnd.email }).first()).id;
  await cycleUntil(ta, async () => !!(await ta.app.db('reconcile_log').where({ recipient_id: bId }).where('event', 'like', 'dsn:%').first()), 'the success DSN for B');

  // 3. B's clerk marks it done (CLI) → 06 → A shows done.
  const done = await runCli(['register', 'status', String(entry.id), 'done', '--note', 'Đã triển khai'], env);
  t.is(done.code, 0, done.stderr);
  await cycleUntil(ta, async () => (await statusOf(ta, AGENCIES.ubnd.email)) === 'done', 'B done (06)');

  // 4. The report lists every recipient with its state.
  const report = await runCli(['reconcile', 'report', '--json'], env);
  t.is(report.code, 0, report.stderr);
  const parsed = JSON.parse(report.stdout) as { lines: Array<{ recipient: string; state: string; lastCode: string | null; lastNote: string | null }> };
  t.deepEqual(parsed.lines.map(l => [l.recipient, l.state]), [[AGENCIES.ubnd.email, 'done'], [NOWHERE.email, 'bounced']]);
  t.is(parsed.lines[1]!.lastCode, '5.1.1');

  // 5. Recall from A: B's entry cancelled (metadata kept), B answers 15, A shows B recalled.
  const recall = await runCli(['recall', submitted.numberNotation, '--agency', AGENCIES.soyte.code, '--reason', 'Ban hành nhầm đối tượng'], env);
  t.is(recall.code, 0, recall.stderr);
  t.regex(recall.stdout, /skipped vanthu@khongco\.vinhlong\.test \(bounced\)/);
  await cycleUntil(ta, async () => (await statusOf(ta, AGENCIES.ubnd.email)) === 'recalled', 'B recalled (15)');
  const cancelled = await ta.app.db('register_entries').where({ id: entry.id }).first();
  t.is(cancelled.status, 'cancelled');
  t.is(cancelled.number_notation, '01/SYT-VP', 'metadata kept');
  t.truthy(await ta.app.db('outbox').where({ agency_code: AGENCIES.ubnd.code, kind: 'notice' }).first(), "B's clerk is told");
  const history = await ta.app.db('status_history').where({ subject_type: 'recipient', subject_id: (await ta.app.db('outgoing_recipients').where({ address: AGENCIES.ubnd.email }).first()).id }).orderBy('id');
  t.deepEqual(
    history.filter(h => !h.note?.startsWith('out-of-order')).map(h => h.to_state),
    ['queued', 'sent', ...history.filter(h => !h.note?.startsWith('out-of-order')).map(h => h.to_state).slice(2, -2), 'recall-requested', 'recalled'],
  );
  t.true(history.some(h => h.to_state === 'received' && h.code === '03'));
  t.true(history.some(h => h.to_state === 'done' && h.code === '06'));
  for (const l of await ta.app.db('reconcile_log').orderBy('id')) t.log(`${l.recipient_id ?? '-'} ${l.method ?? 'orphan'} ${l.event} ${l.effect} ${l.from_status ?? ''}→${l.to_status ?? ''} ${l.detail ?? ''}`);
});
