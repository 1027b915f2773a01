import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { migrationsDir } from '../../src/db/connect.js';
import { chainHead, verifyChain, type ChainBreak } from '../../src/db/event-chain.js';
import { appendEvent } from '../../src/db/events.js';
import { cli } from '../helpers/capture.js';
import { createTestDb } from '../helpers/db.js';

const at = new Date('2026-11-21T08:00:00Z');

async function fill(db: Parameters<typeof appendEvent>[0], n: number, tag = 'a'): Promise<void> {
  for (let i = 0; i < n; i++) await appendEvent(db, at, { event: 'INTAKE_CLASSIFIED', agencyCode: '000.00.31.H62', refType: 'received', refId: i, data: { kind: 'document', tag, i } });
}

test('a fresh log verifies, and every append moves the head', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  t.true((await verifyChain(tdb.db)).ok, 'empty log');
  await fill(tdb.db, 5);
  const r = await verifyChain(tdb.db);
  t.true(r.ok);
  t.is(r.rows, 5);
  const last = await tdb.db('events').orderBy('id', 'desc').first();
  t.deepEqual(await chainHead(tdb.db), { lastId: last.id, hash: last.hash });
});

const TAMPER: Array<{ name: string; tamper: (db: Parameters<typeof appendEvent>[0], ids: number[]) => Promise<number>; problem: ChainBreak['problem']; detail: RegExp }> = [
  { name: 'one row’s data edited', tamper: async (db, ids) => (await db('events').where({ id: ids[3] }).update({ data: '{"kind":"forged"}' }), ids[3]!), problem: 'hash', detail: /changed/u },
  { name: 'one row’s event code edited', tamper: async (db, ids) => (await db('events').where({ id: ids[1] }).update({ event: 'QUARANTINE_DISCARD' }), ids[1]!), problem: 'hash', detail: /changed/u },
  { name: 'a row deleted', tamper: async (db, ids) => (await db('events').where({ id: ids[2] }).delete(), ids[3]!), problem: 'prev_hash', detail: /missing \(deleted\?\)/u },
  { name: 'the last row deleted', tamper: async (db, ids) => (await db('events').where({ id: ids[5] }).delete(), ids[5]!), problem: 'head', detail: /deleted/u },
  { name: 'a row edited and its hash recomputed', tamper: async (db, ids) => {
    const { chainHash } = await import('../../src/db/event-chain.js');
    const r = await db('events').where({ id: ids[2] }).first();
    const forged = { ...r, data: '{"kind":"forged"}' };
    await db('events').where({ id: ids[2] }).update({ data: forged.data, hash: chainHash(r.prev_hash, forged) });
    return ids[3]!;
  }, problem: 'prev_hash', detail: /not the hash of row/u },
];

for (const c of TAMPER) {
  test(`audit verify points to the tampered row: ${c.name}`, async t => {
    const tdb = await createTestDb();
    t.teardown(() => tdb.close());
    await fill(tdb.db, 6);
    const ids = (await tdb.db('events').orderBy('id').select('id')).map(r => Number(r.id));
    const expected = await c.tamper(tdb.db, ids);
    const r = await verifyChain(tdb.db);
    t.false(r.ok);
    t.is(r.firstBreak?.rowId, expected);
    t.is(r.firstBreak?.problem, c.problem);
    t.regex(r.firstBreak!.detail, c.detail);
  });
}

test('concurrent appends from two connections keep one valid chain', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  const other = tdb.open();
  await Promise.all([fill(tdb.db, 40, 'one'), fill(other, 40, 'two'), tdb.db.transaction(trx => fill(trx, 10, 'trx'))]);
  const r = await verifyChain(tdb.db, { batch: 7 });
  t.true(r.ok, JSON.stringify(r.firstBreak));
  t.is(r.rows, 90);
});

test('the migration hashes the rows written before it, and the chain goes on from them', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  // Undo migrations down to and including the chain's own (later ones may exist).
  const opts = { directory: migrationsDir(), loadExtensions: ['.js'] };
  for (;;) {
    const [done] = (await tdb.db.migrate.list(opts)) as [Array<{ name: string } | string>, unknown];
    if (!done.some(m => (typeof m === 'string' ? m : m.name).includes('_event_chain'))) break;
    await tdb.db.migrate.down(opts);
  }
  for (let i = 0; i < 4; i++) await tdb.db('events').insert({ at: at.toISOString(), event: 'OUTBOX_SENT', agency_code: null, ref_type: 'outbox', ref_id: i, data: JSON.stringify({ i }) });
  await tdb.db.migrate.latest({ directory: migrationsDir(), loadExtensions: ['.js'] });
  await fill(tdb.db, 2);
  const r = await verifyChain(tdb.db);
  t.true(r.ok, JSON.stringify(r.firstBreak));
  t.is(r.rows, 6);
});

test('edoc-bridge audit verify: exit 0 when intact, 1 naming the row when edited', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-audit-'));
  const file = path.join(dir, 'config.yaml');
  const dbFile = path.join(dir, 'edoc.sqlite');
  await writeFile(file, stringify({
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: { filename: dbFile }, blobs: 'blobs' },
    agencies: [{ code: '000.00.31.H62', name: 'Sở Y tế', email: 'vanthu@soyte.vinhlong.test', imap: { host: '127.0.0.1', port: 993, user: 'u', passwordEnv: 'P' }, smtp: { host: '127.0.0.1', port: 587, user: 'u', passwordEnv: 'P' } }],
  }));
  const env = { EDOC_BRIDGE_CONFIG: file, P: 'x' };
  t.is((await cli(['db', 'migrate'], env)).code, 0);
  const { openDb } = await import('../../src/db/connect.js');
  const db = openDb({ client: 'sqlite3', filename: dbFile });
  t.teardown(() => db.destroy());
  await fill(db, 4);
  const ok = await cli(['audit', 'verify'], env);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /intact: 4 events/u);
  const row = await db('events').orderBy('id').offset(2).first();
  await db('events').where({ id: row.id }).update({ at: '2020-01-01T00:00:00.000Z' });
  const bad = await cli(['audit', 'verify', '--json'], env);
  t.is(bad.code, 1);
  const json = JSON.parse(bad.stdout);
  t.is(json.firstBreak.rowId, row.id);
  t.is(json.firstBreak.problem, 'hash');
});
