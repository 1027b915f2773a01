import test from 'ava';
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
