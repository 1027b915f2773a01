/** The db/ helpers every repository uses: inTransaction, insertedId, recordTransition, enqueue, registerEntry. */
import anyTest, { type TestFn } from 'ava';
import { historyOf, recordTransition } from '../../src/db/history.js';
import { insertedId, insertedIdOrNull } from '../../src/db/inserted-id.js';
import { enqueue, type OutboxInput } from '../../src/db/outbox.js';
import { registerEntry, type NewEntry } from '../../src/db/register.js';
import { inTransaction } from '../../src/db/transaction.js';
import { BridgeError } from '../../src/errors.js';
import { createTestDb, seedAgencies, type TestDb } from '../helpers/db.js';

const test = anyTest as TestFn<{ t: TestDb }>;
const AGENCY = '000.00.31.H62';
const NOW = new Date('2026-11-20T03:00:00Z');

test.beforeEach(async t => {
  t.context.t = await createTestDb();
  await seedAgencies(t.context.t.db, [AGENCY]);
});
test.afterEach.always(async t => t.context.t?.close());

test('insertedId gives the new row id; insertedIdOrNull gives null when the insert hit its conflict', async t => {
  const { db } = t.context.t;
  const row = (key: string) => ({ agency_code: AGENCY, kind: 'notice', dedupe_key: key, message_id: `<${key}@x>`, to_address: 'a@b.vn', subject: 's', message: '{}', priority: 0, state: 'queued', attempts: 0, next_attempt_at: NOW.toISOString(), created_at: NOW.toISOString() });
  const a = await insertedId(db('outbox').insert(row('a')));
  const b = await insertedId(db('outbox').insert(row('b')));
  t.is(b, a + 1);
  t.is(await insertedIdOrNull(db('outbox').insert(row('c')).onConflict('dedupe_key').ignore()), b + 1);
  t.is(await insertedIdOrNull(db('outbox').insert(row('a')).onConflict('dedupe_key').ignore()), null);
});

const mail = (key: string): OutboxInput => ({ agencyCode: AGENCY, kind: 'notice', dedupeKey: key, messageId: `<${key}@x>`, to: 'a@b.vn', subject: 's', message: { from: { name: 'n', address: 'n@x.vn' }, text: 't', headers: {}, attachments: [] }, priority: 0 });

test('enqueue returns its id; the same cause again is the first row, not a new one', async t => {
  const { db } = t.context.t;
  const first = await enqueue(db, mail('k1'), NOW);
  const again = await enqueue(db, mail('k1'), NOW);
  const other = await enqueue(db, mail('k2'), NOW);
  t.deepEqual([first.created, again.created, other.created], [true, false, true]);
  t.is(again.id, first.id);
  t.not(other.id, first.id);
  t.is((await db('outbox')).length, 2);
});

test('recordTransition writes one history row; a code longer than 4 characters is not a status code and is dropped', async t => {
  const { db } = t.context.t;
  await recordTransition(db, { subject: 'recipient', id: 7, from: 'sent', to: 'received', code: '03', note: 'x'.repeat(3000), evidenceSha256: 'a'.repeat(64) }, NOW);
  await recordTransition(db, { subject: 'recipient', id: 7, from: 'received', to: 'received', code: '5.1.1' }, NOW);
  const h = await historyOf(db, 'recipient', 7);
  t.deepEqual(h.map(r => [r.from, r.to, r.code]), [['sent', 'received', '03'], ['received', 'received', null]]);
  t.is(h[0]!.note!.length, 2000);
  t.is(h[1]!.at, NOW.toISOString());
});

test('inTransaction runs the work again when it lost a race (a retryable DB_CONFLICT), not when the conflict is final', async t => {
  const { db } = t.context.t;
  let runs = 0;
  const value = await inTransaction(db, async () => {
    if (++runs < 3) throw new BridgeError('DB_CONFLICT', 'lost', { details: { retry: true } });
    return 'done';
  });
  t.deepEqual([value, runs], ['done', 3]);
  runs = 0;
  await t.throwsAsync(inTransaction(db, async () => {
    runs++;
    throw new BridgeError('DB_CONFLICT', 'already finished', { details: { retry: false } });
  }));
  t.is(runs, 1);
  runs = 0;
  await t.throwsAsync(inTransaction(db, async () => {
    runs++;
    throw new Error('a bug is not a race');
  }));
  t.is(runs, 1);
  runs = 0;
  await t.throwsAsync(inTransaction(db, async () => {
    runs++;
    throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  }, 3));
  t.is(runs, 3, 'the write lock held elsewhere: tried again, up to the attempts given');
});

test('inTransaction rolls back everything of a failed attempt', async t => {
  const { db } = t.context.t;
  await t.throwsAsync(inTransaction(db, async trx => {
    await enqueue(trx, mail('rolled-back'), NOW);
    throw new Error('after the insert');
  }));
  t.is((await db('outbox')).length, 0);
});

const entry = (over: Partial<NewEntry> = {}): NewEntry => ({
  agencyCode: AGENCY, receivedMailId: null, source: 'paper', issuerCode: '000.00.00.H62', issuerName: 'UBND', numberNotation: '12/QĐ-UBND', number: '12', notation: 'QĐ-UBND',
  docDate: '2026-11-19', docType: 'Quyết định', summary: 'x', signerPosition: null, signerName: null, urgency: 'normal', dueDate: null, recipients: null, documentId: null,
  legalValue: 'legal', signatureVerdict: 'valid', status: 'registered', missing: [], warnings: ['W1'], senderAddress: null, senderMessageId: null,
  identity: { documentId: null, issuerKey: '000.00.00.H62' }, history: { code: '03', evidenceSha256: null }, ...over,
});

test('registerEntry: the next arrival number of the Vietnam year, duplicates as warnings, the first history row', async t => {
  const { db } = t.context.t;
  const first = await inTransaction(db, trx => registerEntry(trx, entry(), NOW));
  const second = await inTransaction(db, trx => registerEntry(trx, entry(), NOW));
  const other = await inTransaction(db, trx => registerEntry(trx, entry({ numberNotation: '13/QĐ-UBND' }), NOW));
  t.deepEqual([first.arrivalNumber, second.arrivalNumber, other.arrivalNumber], [1, 2, 3]);
  t.is(first.year, 2026);
  t.deepEqual(first.warnings, ['W1']);
  t.deepEqual(second.warnings, ['W1', 'DUPLICATE_OF:2026/1']);
  t.deepEqual(other.warnings, ['W1']);
  const h = await historyOf(db, 'entry', second.entryId);
  t.deepEqual(h.map(r => [r.from, r.to, r.code, r.note]), [[null, 'registered', '03', 'W1, DUPLICATE_OF:2026/1']]);
  // 31/12 17:30 UTC is 1 January in Vietnam: a new series.
  const newYear = await inTransaction(db, trx => registerEntry(trx, entry({ numberNotation: '1/QĐ-UBND' }), new Date('2026-12-31T17:30:00Z')));
  t.deepEqual([newYear.year, newYear.arrivalNumber], [2027, 1]);
});
