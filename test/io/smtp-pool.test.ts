/**
 * The outbox's shared SMTP connections (src/io/smtp-pool.ts, docs/operations.md §Workers): the
 * host's budget holds with more agencies sending at once than it allows, an idle connection is
 * reused by its agency, closed for another agency when the host is full, and closed after the
 * idle time.
 */
import test from 'ava';
import type { HostedAgency } from '../../src/config/schema.js';
import { hostBudget } from '../../src/io/host-budget.js';
import { smtpPool } from '../../src/io/smtp-pool.js';
import type { Mailer, OutgoingMail } from '../../src/io/smtp.js';

const agency = (code: string, host = 'smtp.tinh.test') => ({ code, smtp: { host } }) as unknown as HostedAgency;
const mail = { to: 'x@y.test' } as OutgoingMail;

/** A fake transport per connection; sends wait until released. */
function transports() {
  const state = { open: 0, peak: 0, created: 0, closed: [] as string[] };
  const held: Array<() => void> = [];
  const create = (a: HostedAgency): Mailer => {
    state.open++;
    state.created++;
    state.peak = Math.max(state.peak, state.open);
    return {
      send: () => new Promise(r => held.push(() => r({ accepted: [mail.to], rejected: [], response: '250 ok' }))),
      close: () => {
        state.open--;
        state.closed.push(a.code);
      },
    };
  };
  const releaseAll = () => held.splice(0).forEach(r => r());
  return { state, create, releaseAll, held };
}

const tick = () => new Promise(r => setImmediate(r));

test('five agencies sending at once through a budget of two: never more than two connections, every send done', async t => {
  const tr = transports();
  const pool = smtpPool(tr.create, hostBudget(() => 2), 60_000);
  const sends = ['a', 'b', 'c', 'd', 'e'].map(c => pool.mailerFor(agency(c)).send(mail));
  let done = 0;
  sends.forEach(p => void p.then(() => done++));
  for (let i = 0; i < 50 && done < 5; i++) {
    await tick();
    t.true(tr.state.open <= 2);
    tr.releaseAll();
  }
  await Promise.all(sends);
  t.is(tr.state.peak, 2);
  t.true(tr.state.open <= 2);
  pool.closeAll();
  t.is(tr.state.open, 0);
});

test('an idle connection is reused by its agency; a full host closes another agency’s idle one; close() ends a run’s idle ones', async t => {
  const tr = transports();
  const pool = smtpPool(tr.create, hostBudget(() => 1), 60_000);
  const a = pool.mailerFor(agency('a'));
  const b = pool.mailerFor(agency('b'));
  const s1 = a.send(mail);
  await tick();
  tr.releaseAll();
  await s1;
  const s2 = a.send(mail);
  await tick();
  tr.releaseAll();
  await s2;
  t.is(tr.state.created, 1, 'the second send of the agency reused its connection');
  const s3 = b.send(mail);
  await tick();
  tr.releaseAll();
  await s3;
  t.deepEqual(tr.state.closed, ['a'], 'a’s idle connection made room for b');
  t.is(pool.openCount(), 1);
  b.close();
  t.is(pool.openCount(), 0);
  t.is(tr.state.open, 0);
});

test('a connection idle longer than the idle time is closed', async t => {
  const tr = transports();
  const pool = smtpPool(tr.create, hostBudget(() => 3), 20);
  const s = pool.mailerFor(agency('a')).send(mail);
  await tick();
  tr.releaseAll();
  await s;
  t.is(tr.state.open, 1);
  for (let i = 0; i < 100 && tr.state.open > 0; i++) await new Promise(r => setTimeout(r, 10));
  t.is(tr.state.open, 0);
  t.is(pool.openCount(), 0);
});
