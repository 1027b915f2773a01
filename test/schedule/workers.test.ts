/**
 * Mailboxes divided between workers (docs/operations.md §Workers): heartbeated claims, a dead
 * worker's mailboxes taken after the lease, a joining worker's share, and a long cycle's lease kept
 * by the heartbeat so a second worker never enters the mailbox. Injectable clock, fake mailboxes.
 */
import test from 'ava';
import { acquireLease } from '../../src/db/mailbox-state.js';
import { beat, claimShare, retireWorker, workersStatus } from '../../src/db/workers.js';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { startHeartbeat } from '../../src/schedule/heartbeat.js';
import type { Timers } from '../../src/schedule/timers.js';
import { documentMail } from '../helpers/documents.js';
import { A, B, C, openWorld, stepClock } from '../helpers/world.js';

const codes = [A.code, B.code, C.code];
const TTL = 20_000;
const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 3, 0, s));
const worker = (id: string, role: 'service' | 'once' = 'service') => ({ id, host: 'h', pid: 1, role, startedAt: at(0) });
/** Timers that never fire by themselves: the test calls tick(). */
const manual: Timers = { after: () => () => undefined, every: () => () => undefined };

test('claims: one worker takes all; a second joins and gets its share; a dead one loses its mailboxes after the lease; a retired one at once', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc']);
  try {
    const { db } = w.app;
    await beat(db, worker('w1'), at(0), TTL);
    const first = await claimShare(db, 'w1', codes, at(0), TTL);
    t.deepEqual(first.owned.length, 3, 'alone: every mailbox');
    t.deepEqual(first.gained.length, 3);

    await beat(db, worker('w2'), at(1), TTL);
    t.deepEqual((await claimShare(db, 'w2', codes, at(1), TTL)).owned, [], 'nothing free yet');
    const given = await claimShare(db, 'w1', codes, at(5), TTL, new Set([A.code]));
    t.is(given.share, 2);
    t.is(given.owned.length, 2, 'the surplus given back');
    t.true(given.owned.includes(A.code), 'the mailbox in a cycle is kept');
    t.deepEqual(given.lost.length, 1);
    const joined = await claimShare(db, 'w2', codes, at(6), TTL);
    t.deepEqual(joined.owned, given.lost, 'the joiner takes what was given back');

    // w2 dies: it heartbeats no more. Before its lease runs out nobody takes its mailbox.
    await beat(db, worker('w1'), at(20), TTL);
    t.is((await claimShare(db, 'w1', codes, at(20), TTL)).owned.length, 2, 'w2 still counts until its lease runs out');
    await beat(db, worker('w1'), at(27), TTL);
    const taken = await claimShare(db, 'w1', codes, at(27), TTL);
    t.is(taken.owned.length, 3, 'taken over 21 s after the last heartbeat');
    t.deepEqual(taken.gained, joined.owned);

    await retireWorker(db, 'w1', at(28));
    await beat(db, worker('w3'), at(29), TTL);
    t.is((await claimShare(db, 'w3', codes, at(29), TTL)).owned.length, 3, 'a clean stop frees everything at once');
  } finally {
    await w.close();
  }
});

test('claims: two workers racing for free mailboxes never own the same one', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc']);
  try {
    const { db } = w.app;
    await beat(db, worker('w1'), at(0), TTL);
    await beat(db, worker('w2'), at(0), TTL);
    const [r1, r2] = await Promise.all([claimShare(db, 'w1', codes, at(0), TTL), claimShare(db, 'w2', codes, at(0), TTL)]);
    t.deepEqual([...r1.owned, ...r2.owned].sort(), [...new Set([...r1.owned, ...r2.owned])].sort(), 'no mailbox twice');
    t.true(r1.owned.length <= 2 && r2.owned.length <= 2, 'each within its share');
  } finally {
    await w.close();
  }
});

test('a dead worker’s cycle lease is free as soon as its heartbeat ran out, on any host', async t => {
  const w = await openWorld(['soyte']);
  try {
    const { db } = w.app;
    await beat(db, { ...worker('other-host:42:ab'), host: 'other-host' }, at(0), TTL);
    t.true(await acquireLease(db, A.code, 'INBOX', 'other-host:42:ab', at(0), 5 * 60_000));
    t.false(await acquireLease(db, A.code, 'INBOX', 'me', at(10), 5 * 60_000), 'alive: busy');
    t.true(await acquireLease(db, A.code, 'INBOX', 'me', at(21), 5 * 60_000), 'its heartbeat ran out: free, long before the 5-minute lease');
  } finally {
    await w.close();
  }
});

test('a cycle longer than the lease keeps it through the heartbeat; a second worker never enters the mailbox', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte'], { clock });
  try {
    const box = w.mailboxes.of(A.code);
    box.deliver(await documentMail({ from: B.email, to: A.email, numberNotation: '1/UBND-VP', messageId: '<long1@ubnd.vinhlong.test>' }));
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>(r => (entered = r));
    let opens = 0;
    w.mailboxes.beforeOpen = async () => {
      if (opens++ === 0) {
        entered();
        await gate; // the first cycle is stuck in its mailbox (a long backlog)
      }
    };
    const heartbeat = startHeartbeat(w.app, { role: 'once', timers: manual });
    await heartbeat.tick();
    const long = runIntakeCycle(w.app, w.agency('soyte'));
    await inside;
    const second = { ...w.app, workerId: 'elsewhere:1:x' };
    for (let minute = 1; minute <= 12; minute++) {
      clock.advance(60_000);
      await heartbeat.tick();
      const r = await runIntakeCycle(second, w.agency('soyte'));
      t.is(r.skipped, 'lease-busy', `minute ${minute}: the second worker stays out`);
    }
    t.is(opens, 1, 'the second worker never opened the mailbox');
    release();
    const done = await long;
    t.is(done.processed.length, 1);
    t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 1); // PostgreSQL counts are strings
    await heartbeat.stop();
  } finally {
    await w.close();
  }
});

test('without the heartbeat the same cycle would lose its lease (the test above can fail)', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte'], { clock });
  try {
    t.true(await acquireLease(w.app.db, A.code, 'INBOX', w.app.workerId, clock.now(), 5 * 60_000));
    clock.advance(6 * 60_000);
    t.true(await acquireLease(w.app.db, A.code, 'INBOX', 'elsewhere:1:x', clock.now(), 5 * 60_000));
  } finally {
    await w.close();
  }
});

test('a heartbeat asked for while one runs follows it with its own clock reading, instead of being dropped', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte', 'ubnd', 'stc'], { clock });
  try {
    const heartbeat = startHeartbeat(w.app, { role: 'service', timers: manual });
    const first = heartbeat.tick();
    clock.advance(5_000);
    const second = heartbeat.tick(); // asked for while the first still runs
    await Promise.all([first, second]);
    const row = (await workersStatus(w.app.db)).workers.find(x => x.id === w.app.workerId);
    t.is(row?.heartbeat_at, clock.now().toISOString(), 'the later beat ran, with the later time');
    t.deepEqual(heartbeat.owned(), [...codes].sort(), 'and it claimed as a beat does');
    await heartbeat.stop();
  } finally {
    await w.close();
  }
});
