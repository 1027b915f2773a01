import test from 'ava';
import { chainHash, chainHead, GENESIS_HASH, verifyChain } from '../../src/db/event-chain.js';
import { appendEvent } from '../../src/db/events.js';
import { runDigest, digestFacts } from '../../src/register/digest.js';
import { entry } from '../helpers/factories.js';
import { A, openWorld, stepClock } from '../helpers/world.js';

test('the daily digest counts the Vietnam day and is queued once per agency and day', async t => {
  // 16:00 in Hà Nội on 21/11/2026; the day began at 2026-11-20T17:00Z.
  const clock = stepClock('2026-11-21T09:00:00Z');
  const u = await openWorld(['soyte'], { clock });
  try {
    const { db } = u.app;
    const e = (n: number, at: string, status = 'registered') => entry(db, { agencyCode: A.code, arrivalNumber: n, arrivalAt: new Date(at), source: 'paper', status });
    for (const [n, at, status] of [[1, '2026-11-20T16:59:59Z'], [2, '2026-11-20T17:00:00Z'], [3, '2026-11-21T08:00:00Z'], [4, '2026-11-21T08:30:00Z', 'held']] as const) await e(n, at, status);
    const facts = await digestFacts(u.app.db, u.app.config.agencies[0]!, clock.now());
    t.is(facts.day, '21/11/2026');
    t.is(facts.registered, 2, 'yesterday evening (Vietnam time) is not today');
    t.is(facts.held, 1);
    t.is(await runDigest(u.app), 1);
    t.is(await runDigest(u.app), 0, 'once a day');
    const notice = await db('outbox').where({ kind: 'notice' }).first();
    t.regex(notice.subject, /Tổng hợp ngày 21\/11\/2026/);
    t.regex(JSON.parse(notice.message).text, /Văn bản đến đã vào sổ hôm nay: 2/);
    clock.set('2026-11-22T09:00:00Z');
    t.is(await runDigest(u.app), 1, 'the next day again');
  } finally {
    await u.close();
  }
});

test('the daily anchor: the digest job logs the chain head (AUDIT_ANCHOR) and every clerk’s digest mail carries its hash, so a rewritten chain shows', async t => {
  const clock = stepClock('2026-11-21T09:00:00Z');
  const u = await openWorld(['soyte', 'ubnd'], { clock });
  try {
    const { db } = u.app;
    for (let i = 1; i <= 3; i++) await appendEvent(db, clock.now(), { event: 'INTAKE_CLASSIFIED', agencyCode: A.code, refType: 'received', refId: i, data: { kind: 'document', i } });
    const head = await chainHead(db);
    t.true(head.lastId > 0);
    t.is(await runDigest(u.app), 2);
    const logged = u.log.lines.filter(l => l.event === 'AUDIT_ANCHOR');
    t.deepEqual(logged.map(l => [l.headId, l.headHash]), [[head.lastId, head.hash]], 'the head, logged once');
    const anchorRow = await db('events').where({ event: 'AUDIT_ANCHOR' }).first();
    t.deepEqual(JSON.parse(anchorRow.data), { headId: head.lastId, headHash: head.hash }, 'and kept in the event log itself');
    const notices = await db('outbox').where({ kind: 'notice' });
    t.is(notices.length, 2, 'one digest per hosted agency');
    for (const n of notices) t.true(JSON.parse(n.message).text.includes(`Mã kiểm tra nhật ký (SHA-256 của bản ghi số ${head.lastId}): ${head.hash}`));
    t.true((await verifyChain(db)).ok);
    // Someone with write access rewrites the past from row 1 on and recomputes every hash and the head:
    // the chain verifies again, but the anchored row no longer has the hash the clerks were mailed.
    const rows = await db('events').orderBy('id');
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const row = r.id === rows[0].id ? { ...r, data: '{"kind":"forged"}' } : r;
      const hash = chainHash(prev, row);
      await db('events').where({ id: r.id }).update({ data: row.data, prev_hash: prev, hash });
      prev = hash;
    }
    await db('event_chain_head').where({ id: 1 }).update({ hash: prev });
    t.true((await verifyChain(db)).ok, 'a whole rewrite is consistent in itself');
    const anchored = await db('events').where({ id: head.lastId }).first();
    t.not(anchored.hash, head.hash, 'the mailed anchor shows the rewrite');
  } finally {
    await u.close();
  }
});
