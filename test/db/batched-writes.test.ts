/**
 * The intake commit's batched writes (docs/operations.md §Throughput): several events chained in
 * one append, several files and their signature results in two statements, and a document's whole
 * register transaction in a bounded number of statements. Run on both databases.
 */
import test from 'ava';
import { saveAttachments, type AttachmentInput } from '../../src/db/attachments.js';
import { chainHead, verifyChain } from '../../src/db/event-chain.js';
import { appendEvent, appendEvents } from '../../src/db/events.js';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { createTestDb, seedAgencies } from '../helpers/db.js';
import { documentMail } from '../helpers/documents.js';
import { receivedMail } from '../helpers/factories.js';
import { A, B, openWorld, stepClock } from '../helpers/world.js';

const at = new Date('2026-11-21T08:00:00Z');

test('events appended together are chained in the order given, after the ones before, and the chain verifies', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  await appendEvent(tdb.db, at, { event: 'INTAKE_CLASSIFIED', refType: 'received', refId: 1, data: { first: true } });
  const many = await tdb.db.transaction(trx =>
    appendEvents(trx, at, [
      { event: 'INTAKE_REGISTERED', agencyCode: A.code, refType: 'entry', refId: 7, data: { n: 1 } },
      { event: 'INTAKE_DUPLICATE_DOCUMENT', agencyCode: A.code, refType: 'entry', refId: 7, data: { n: 2 } },
      { event: 'INTAKE_REGISTERED', agencyCode: A.code, refType: 'entry', refId: 8, data: { n: 1 } },
    ]),
  );
  t.is(many.length, 3);
  t.true(many[0]!.id < many[1]!.id && many[1]!.id < many[2]!.id, 'ids ascend in the order given');
  const rows = await tdb.db('events').whereIn('id', many.map(m => m.id)).orderBy('id');
  t.deepEqual(rows.map(r => r.event), ['INTAKE_REGISTERED', 'INTAKE_DUPLICATE_DOCUMENT', 'INTAKE_REGISTERED']);
  t.deepEqual(rows.map(r => r.hash), many.map(m => m.hash));
  t.is(rows[1].prev_hash, rows[0].hash, 'each row links to the one before');
  t.is(rows[2].prev_hash, rows[1].hash);
  t.deepEqual(await chainHead(tdb.db), { lastId: many[2]!.id, hash: many[2]!.hash });
  const report = await verifyChain(tdb.db);
  t.true(report.ok, JSON.stringify(report.firstBreak));
  t.is(report.rows, 4);
});

test('files are saved with their own signature results, however many and in whatever order the database returns them', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  await seedAgencies(tdb.db, [A.code]);
  const row = await receivedMail(tdb.db, { agencyCode: A.code });
  const sig = (verdict: string) => ({ found: 1, verdict, reasons: [verdict.toUpperCase()], report: { verdict }, summaryVi: `Chữ ký: ${verdict}` });
  const file = (name: string, sha: string, signature?: AttachmentInput['signature']): AttachmentInput => ({ name, contentType: 'application/pdf', size: 10, sha256: sha.repeat(64), isPdf: true, forwarded: false, pages: 1, ...(signature ? { signature } : {}) });
  const files = [file('a.pdf', 'a', sig('valid')), file('b.pdf', 'b'), file('c.pdf', 'c', sig('invalid')), file('c.pdf', 'c', sig('invalid')), file('d.pdf', 'd', sig('indeterminate'))];
  await tdb.db.transaction(trx => saveAttachments(trx, row.id, null, files, at));
  const saved = await tdb.db('attachments').leftJoin('signature_results', 'signature_results.attachment_id', 'attachments.id').where('attachments.received_mail_id', row.id).orderBy('attachments.id').select('attachments.name', 'attachments.signature_verdict as onFile', 'signature_results.verdict as result');
  t.deepEqual(
    saved.map(s => [s.name, s.onFile, s.result]),
    [['a.pdf', 'valid', 'valid'], ['b.pdf', null, null], ['c.pdf', 'invalid', 'invalid'], ['c.pdf', 'invalid', 'invalid'], ['d.pdf', 'indeterminate', 'indeterminate']],
  );
  await t.notThrowsAsync(tdb.db.transaction(trx => saveAttachments(trx, row.id, null, [], at)), 'no files: nothing written');
});

/** Statements of the transaction that wrote the register entry, BEGIN and COMMIT included. */
function registerTransaction(sql: string[]): string[] {
  const begins = sql.flatMap((s, i) => (/^begin/iu.test(s) ? [i] : []));
  for (const b of begins) {
    const end = sql.findIndex((s, i) => i > b && /^commit/iu.test(s));
    const tx = sql.slice(b, end + 1);
    if (tx.some(s => /insert into .?register_entries/iu.test(s))) return tx;
  }
  return [];
}

test('a document is registered, answered and logged in one transaction of at most 14 statements', async t => {
  const w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z') });
  t.teardown(() => w.close());
  const sql: string[] = [];
  w.app.db.on('query', (q: { sql: string }) => void sql.push(q.sql));
  // The second mail is measured: the counter row exists by then, as on every mail but a year's first.
  for (const n of [1, 2]) w.mailboxes.of(A.code).deliver(await documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP`, messageId: `<cv${n}@ubnd.vinhlong.test>` }));
  await runIntakeCycle(w.app, w.agency('soyte'));
  t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 2);
  const firstEnd = sql.findIndex(s => /insert into .?register_entries/iu.test(s));
  const tx = registerTransaction(sql.slice(firstEnd + 1));
  t.true(tx.length > 0, 'the second entry was written in a transaction');
  t.true(tx.length <= 14, `${tx.length} statements:\n${tx.map(s => s.slice(0, 90)).join('\n')}`);
  t.true(tx.some(s => /insert into .?outbox/iu.test(s)) && tx.some(s => /insert into .?events/iu.test(s)), 'the receipt and the event in the same transaction');
  t.true((await verifyChain(w.app.db)).ok);
});
