/**
 * Leases and claims are compare-and-set on PostgreSQL too (docs/operations.md §PostgreSQL): many
 * connections racing for one mailbox lease get one winner per round; outbox rows claimed by four
 * connections at once are each claimed exactly once.
 */
import test from 'ava';
import { enqueue, claimDue } from '../../src/db/outbox.js';
import { acquireLease, releaseLease } from '../../src/db/mailbox-state.js';
import type { Db } from '../../src/db/connect.js';
import { createTestDb } from '../helpers/db.js';
import { agencies } from '../helpers/factories.js';
import { testDbClient } from '../helpers/pg.js';
import { A } from '../helpers/world.js';

const NOW = new Date('2026-11-20T03:00:00Z');

test('eight connections race for one mailbox lease: one winner per round, the lease passes on after release', async t => {
  t.is(testDbClient(), 'pg', 'this file runs in the PostgreSQL pass');
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  await agencies(tdb.db, [A.code]);
  const conns: Db[] = Array.from({ length: 8 }, () => tdb.open());
  const winners: string[] = [];
  for (let round = 0; round < 5; round++) {
    const got = await Promise.all(conns.map((c, i) => acquireLease(c, A.code, 'INBOX', `w${i}`, NOW, 60_000)));
    t.is(got.filter(Boolean).length, 1, `round ${round}: one winner`);
    const w = `w${got.indexOf(true)}`;
    winners.push(w);
    const row = await tdb.db('mailbox_state').where({ agency_code: A.code }).first('lease_owner');
    t.is(row.lease_owner, w);
    await releaseLease(tdb.db, A.code, 'INBOX', w, NOW);
  }
  t.log(`winners: ${winners.join(' ')}`);
});

test('four connections claiming due outbox rows at once: every row claimed exactly once', async t => {
  const tdb = await createTestDb();
  t.teardown(() => tdb.close());
  await agencies(tdb.db, [A.code]);
  const n = 40;
  for (let i = 0; i < n; i++) {
    await enqueue(tdb.db, { agencyCode: A.code, kind: 'notice', dedupeKey: `k${i}`, messageId: `<k${i}@x>`, to: 'a@b.vn', subject: 's', message: { from: { name: 'n', address: 'n@x.vn' }, text: 't', headers: {}, attachments: [] }, priority: i % 3 }, NOW);
  }
  const conns: Db[] = Array.from({ length: 4 }, () => tdb.open());
  const claimed: number[][] = await Promise.all(
    conns.map(async c => {
      const mine: number[] = [];
      for (;;) {
        const rows = await claimDue(c, NOW, { limit: 5, claimMs: 60_000 });
        if (rows.length === 0) return mine;
        mine.push(...rows.map(r => Number(r.id)));
      }
    }),
  );
  const all = claimed.flat().sort((a, b) => a - b);
  t.is(all.length, n, 'no row claimed twice');
  t.is(new Set(all).size, n);
  t.true(claimed.filter(c => c.length > 0).length >= 2, 'the connections really competed');
  t.is(Number((await tdb.db('outbox').where({ state: 'sending' }).count({ n: '*' }))[0]!.n), n);
});
