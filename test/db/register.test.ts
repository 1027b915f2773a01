import test from 'ava';
import { spawnSync } from 'node:child_process';
import { findDuplicateEntries, insertEntry, nextNumber } from '../../src/db/register.js';
import { acquireLease, deadOnThisHost, releaseLease } from '../../src/db/mailbox-state.js';
import { vnYear } from '../../src/domain/vn-time.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createTestDb, seedAgencies } from '../helpers/db.js';

const A = '000.00.31.H62';
const B = '000.00.32.H62';

test('arrival numbers restart at 1 on 1 January, Vietnam time', async t => {
  const { db, close } = await createTestDb();
  try {
    await seedAgencies(db, [A]);
    const lastEvening = new Date('2026-12-31T16:59:59Z'); // 23:59:59 in Hà Nội
    const newYear = new Date('2026-12-31T17:00:00Z'); // 00:00:00 on 1 January 2027 in Hà Nội
    t.is(vnYear(lastEvening), 2026);
    t.is(vnYear(newYear), 2027);
    const take = (at: Date) => inTransaction(db, trx => nextNumber(trx, A, 'incoming', vnYear(at)));
    t.deepEqual([await take(lastEvening), await take(lastEvening), await take(newYear), await take(newYear)], [1, 2, 1, 2]);
    // Outgoing is a series of its own.
    t.is(await inTransaction(db, trx => nextNumber(trx, A, 'outgoing', 2027)), 1);
  } finally {
    await close();
  }
});

test('a rolled-back transaction gives its number back: no gaps', async t => {
  const { db, close } = await createTestDb();
  try {
    await seedAgencies(db, [A]);
    await inTransaction(db, trx => nextNumber(trx, A, 'incoming', 2026));
    await t.throwsAsync(
      inTransaction(db, async trx => {
        await nextNumber(trx, A, 'incoming', 2026);
        throw new Error('register insert failed');
      }),
    );
    t.is(await inTransaction(db, trx => nextNumber(trx, A, 'incoming', 2026)), 2);
  } finally {
    await close();
  }
});

test('numbers never repeat under concurrent intake from two connections into one register', async t => {
  const { db, open, close } = await createTestDb();
  try {
    await seedAgencies(db, [A, B]);
    const second = open(); // another process's connection to the same file
    const per = 60;
    const work = (conn: typeof db, agency: string) =>
      Array.from({ length: per }, () => inTransaction(conn, trx => nextNumber(trx, agency, 'incoming', 2026), 50));
    const got = await Promise.all([...work(db, A), ...work(second, A), ...work(second, B)]);
    const a = got.slice(0, 2 * per).sort((x, y) => x - y);
    t.deepEqual(a, Array.from({ length: 2 * per }, (_, i) => i + 1), 'agency A: 1..120, no repeat, no gap');
    t.deepEqual(got.slice(2 * per).sort((x, y) => x - y), Array.from({ length: per }, (_, i) => i + 1), 'agency B has its own series');
  } finally {
    await close();
  }
});

test('the mailbox lease admits one worker; a dead holder on this host loses it at once', async t => {
  const { db, close } = await createTestDb();
  try {
    await seedAgencies(db, [A]);
    const now = new Date('2026-05-01T01:00:00Z');
    t.true(await acquireLease(db, A, 'INBOX', 'host1:100:a', now, 60_000));
    t.false(await acquireLease(db, A, 'INBOX', 'host1:200:b', now, 60_000), 'held by a live worker');
    t.true(await acquireLease(db, A, 'INBOX', 'host1:200:b', new Date(now.getTime() + 61_000), 60_000), 'expired lease is taken');
    t.false(await acquireLease(db, A, 'INBOX', 'host1:300:c', new Date(now.getTime() + 62_000), 60_000, () => false));
    t.true(await acquireLease(db, A, 'INBOX', 'host1:300:c', new Date(now.getTime() + 62_000), 60_000, o => o === 'host1:200:b'), 'dead owner');
    await releaseLease(db, A, 'INBOX', 'host1:300:c', now);
    t.true(await acquireLease(db, A, 'INBOX', 'host1:400:d', now, 60_000));
    // deadOnThisHost: our own pid is alive; a pid that cannot exist is dead; other hosts are never judged.
    const dead = deadOnThisHost('me');
    const exited = spawnSync('true').pid; // a process that has come and gone
    t.false(dead(`me:${process.pid}:x`));
    t.true(dead(`me:${exited}:x`));
    t.false(dead(`other:${exited}:x`));
  } finally {
    await close();
  }
});

test('a document resent many times: the duplicate warning names only the most recent look-alikes', async t => {
  const { db, close } = await createTestDb();
  try {
    await seedAgencies(db, [A]);
    const base = { agencyCode: A, year: 2026, arrivalAt: new Date('2026-05-01T01:00:00Z'), receivedMailId: null, source: 'paper' as const, issuerCode: 'X', issuerName: 'Cơ quan X', numberNotation: '12/QĐ-UBND', number: '12', notation: 'QĐ-UBND', docDate: '2026-04-30', docType: 'Quyết định', summary: 's', signerPosition: null, signerName: null, urgency: 'normal', dueDate: null, recipients: null, documentId: null, legalValue: 'legal' as const, signatureVerdict: 'valid', status: 'registered' as const, missing: [], warnings: [], senderAddress: null, senderMessageId: null };
    for (let i = 1; i <= 10; i++) await insertEntry(db, { ...base, arrivalNumber: i }, new Date());
    const dups = await findDuplicateEntries(db, A, { documentId: null, issuerKey: 'X', numberNotation: '12/QĐ-UBND', docDate: '2026-04-30' });
    t.deepEqual(dups.map(d => d.arrival_number), [10, 9, 8]);
    t.is((await findDuplicateEntries(db, A, { documentId: null, issuerKey: 'X', numberNotation: '13/QĐ-UBND', docDate: '2026-04-30' })).length, 0);
  } finally {
    await close();
  }
});

test('two processes migrating a fresh database at once both succeed', async t => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { migrate, openDb } = await import('../../src/db/connect.js');
  const { createTestDatabase } = await import('../helpers/db.js');
  for (let round = 0; round < 5; round++) {
    const dir = await mkdtemp(path.join(tmpdir(), 'edoc-mig-'));
    const made = await createTestDatabase(dir);
    const a = openDb(made.settings);
    const b = openDb(made.settings);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      t.true(ra.length + rb.length >= 1, 'the migrations ran once');
      t.is(Number((await a('knex_migrations').count('* as n'))[0]!.n), ra.length + rb.length);
    } finally {
      await a.destroy();
      await b.destroy();
      await made.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }
});
