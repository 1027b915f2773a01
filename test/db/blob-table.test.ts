/**
 * The blob store in the database (db/blob-table.ts), on SQLite and on PostgreSQL: content-addressed,
 * streamed in chunks, whole or absent; and a whole gateway cycle with `storage.blobStore: database`
 * keeps its raw mails and files there, none on disk.
 */
import anyTest, { type TestFn } from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DbBlobStore } from '../../src/db/blob-table.js';
import { runCycle } from '../../src/cycle.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { A, B, openWorld, pdf, stepClock } from '../helpers/world.js';

const test = anyTest as TestFn<{ t: TestDb }>;
test.beforeEach(async t => {
  t.context.t = await createTestDb();
});
test.afterEach.always(async t => t.context.t?.close());

const clock = stepClock('2026-11-20T03:00:00Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('put streams in chunks, get and stream give the bytes back, the same bytes are stored once', async t => {
  const { db } = t.context.t;
  const store = new DbBlobStore(db, clock.now, 1000);
  const data = randomBytes(4321);
  const pieces = [data.subarray(0, 10), data.subarray(10, 2500), data.subarray(2500)];
  const ref = await store.putStream(Readable.from(pieces), { keepBelow: 100 });
  t.deepEqual({ sha256: ref.sha256, size: ref.size, bytes: ref.bytes }, { sha256: sha(data), size: 4321, bytes: undefined }, 'larger than keepBelow: bytes not kept');
  t.is(Number((await db('blob_chunks').count({ n: '*' }))[0]!.n), 5, '4321 bytes in chunks of 1000');
  t.true((await store.get(ref.sha256)).equals(data));
  const streamed: Buffer[] = [];
  for await (const c of store.stream(ref.sha256)) streamed.push(c as Buffer);
  t.true(Buffer.concat(streamed).equals(data));
  t.true(await store.has(ref.sha256));

  const again = await store.put(Buffer.from(data));
  t.is(again.sha256, ref.sha256);
  t.is(Number((await db('blobs').count({ n: '*' }))[0]!.n), 1);
  t.is(Number((await db('blob_chunks').count({ n: '*' }))[0]!.n), 5, 'the second upload dropped its chunks');
  const small = await store.putStream(Readable.from([Buffer.from('nhỏ')]), { keepBelow: 100 });
  t.is(small.bytes?.toString(), 'nhỏ');
  t.regex(store.pathOf(ref.sha256), /^database:blobs\/[0-9a-f]{64}$/);
});

test('an upload that fails half-way leaves no blob; chunks of a crashed upload are swept after a day', async t => {
  const { db } = t.context.t;
  const store = new DbBlobStore(db, clock.now, 1000);
  const failing = Readable.from(
    (async function* () {
      yield randomBytes(2500);
      throw new Error('connection dropped');
    })(),
  );
  await t.throwsAsync(store.putStream(failing), { message: 'connection dropped' });
  t.is(Number((await db('blobs').count({ n: '*' }))[0]!.n), 0);
  t.is(Number((await db('blob_chunks').count({ n: '*' }))[0]!.n), 0, 'its chunks removed at once');

  // A crash between chunks and name: only unnamed chunks remain, and the sweep removes them once old.
  await db('blob_chunks').insert({ upload_id: 'crashed', seq: 0, data: Buffer.from('x'), created_at: '2026-11-18T00:00:00.000Z' });
  const kept = await store.put(Buffer.from('kept'));
  t.is(await store.sweep(new Date('2026-11-19T00:00:00Z')), 1);
  t.deepEqual((await db('blob_chunks').select('upload_id')).map(r => r.upload_id), [(await db('blobs').first('upload_id')).upload_id]);
  t.is((await store.get(kept.sha256)).toString(), 'kept');
  await t.throwsAsync(store.get('0'.repeat(64)), { code: 'BLOB_MISSING' } as never);
});

test('a corrupt chunk is an error, never silently used', async t => {
  const { db } = t.context.t;
  const store = new DbBlobStore(db, clock.now, 1000);
  const ref = await store.put(randomBytes(1500));
  await db('blob_chunks').where({ seq: 1 }).update({ data: Buffer.alloc(500) });
  await t.throwsAsync(store.get(ref.sha256), { code: 'BLOB_MISSING', message: /corrupt/ } as never);
});

test('storage.blobStore database: a whole cycle keeps raw mails and files in the database, none on disk', async t => {
  const w = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z'), blobStore: 'database' });
  t.teardown(() => w.close());
  t.true(w.app.ports.blobs instanceof DbBlobStore);
  await submitDocument(w.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ summary: 'V/v thử kho trong CSDL' }), source: 'cli' });
  for (let i = 0; i < 3; i++) t.deepEqual((await runCycle(w.app)).errors, []);
  const entry = await w.app.db('register_entries').where({ agency_code: B.code }).first();
  t.truthy(entry, 'B registered the document');
  const raw = await w.app.db('received_mails').where({ agency_code: B.code }).first('raw_sha256');
  t.true(await w.app.ports.blobs.has(raw.raw_sha256));
  t.is(sha(await w.app.ports.blobs.get(raw.raw_sha256)), raw.raw_sha256);
  t.is((await w.app.db('outgoing_recipients').first()).status, 'received', 'the receipt was matched from its raw mail');
  t.false(existsSync(path.join(w.dir, 'blobs')) && existsSync(path.join(w.dir, 'blobs', raw.raw_sha256.slice(0, 2))), 'no blob file on disk');
});
