/**
 * Connection budgets and IDLE (docs/operations.md §Workers, docs/mail.md §IDLE and polling), on
 * the fake mailboxes, which count every connection (cycles and IDLE listeners): the budget holds
 * with more mailboxes than it allows, cycles take several mailboxes at a time, a server without
 * IDLE is polled on the mailbox's own schedule, and the service never holds two connections to
 * one mailbox.
 */
import test from 'ava';
import { runCycle } from '../../src/cycle.js';
import { mailboxWatchers } from '../../src/schedule/mailbox-watch.js';
import type { Timers } from '../../src/schedule/timers.js';
import { startService } from '../../src/service.js';
import { workersView } from '../../src/schedule/status.js';
import { documentMail } from '../helpers/documents.js';
import { A, B, C, openWorld, stepClock, type World } from '../helpers/world.js';

const doc = (n: number, to: string) => documentMail({ from: B.email, to, numberNotation: `${n}/UBND-VP`, messageId: `<b${n}@ubnd.vinhlong.test>` });

/** Timers the test fires by hand. */
function manualTimers() {
  const every: Array<{ ms: number; fn: () => void; on: boolean }> = [];
  const after: Array<{ ms: number; fn: () => void; on: boolean }> = [];
  const timers: Timers = {
    every: (ms, fn) => {
      const e = { ms, fn, on: true };
      every.push(e);
      return () => void (e.on = false);
    },
    after: (ms, fn) => {
      const e = { ms, fn, on: true };
      after.push(e);
      return () => void (e.on = false);
    },
  };
  return { timers, every, after, fire: (ms: number) => every.filter(e => e.on && e.ms === ms).forEach(e => e.fn()) };
}

/** Wait until a condition holds (the service works in the background), at most a generous while; the test then asserts it. */
/**
 * Wait until the condition holds (the assertions after it say what was expected). Patient: on a
 * loaded CI machine the services' database work can take many seconds; this is a bound on waiting,
 * not a timing assertion.
 */
async function settle(until: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 2400 && !(await until()); i++) await new Promise(r => setTimeout(r, 25));
}

async function fill(w: World, keys: Array<'soyte' | 'ubnd' | 'stc'>): Promise<void> {
  let n = 1;
  for (const k of keys) {
    const a = w.agency(k);
    for (let i = 0; i < 2; i++) w.mailboxes.of(a.code).deliver(await doc(n++, a.email));
  }
}

test('with more mailboxes than the IMAP budget, connections never exceed it; every mail is taken in', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc'], { overrides: { connections: { imapPerHost: 1 }, workers: { cycleConcurrency: 3 } } });
  try {
    await fill(w, ['soyte', 'ubnd', 'stc']);
    const report = await runCycle(w.app, { only: ['intake'] });
    t.deepEqual(report.errors, []);
    t.is(w.mailboxes.maxOpen, 1, 'one connection at a time to the one host');
    t.is(w.app.connections.imap.peak('127.0.0.1'), 1);
    t.deepEqual(report.intake.map(r => r.processed.length), [2, 2, 2]);
    t.is(w.mailboxes.open, 0);
  } finally {
    await w.close();
  }
});

test('a cycle (and run --once) takes several mailboxes at a time within the budget, not one after another', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc'], { overrides: { connections: { imapPerHost: 2 }, workers: { cycleConcurrency: 3 } } });
  try {
    await fill(w, ['soyte', 'ubnd', 'stc']);
    // Hold each connection until a second one is asked for (or a generous while): sequential intake would open one at a time.
    let waiting: Array<() => void> = [];
    w.mailboxes.beforeOpen = () =>
      new Promise<void>(resolve => {
        waiting.push(resolve);
        if (waiting.length >= 2) {
          waiting.forEach(r => r());
          waiting = [];
        } else setTimeout(resolve, 3000);
      });
    const report = await runCycle(w.app, { only: ['intake'] });
    t.deepEqual(report.errors, []);
    t.is(w.mailboxes.maxOpen, 2, 'two mailboxes at once, and never more than the budget of 2');
    t.deepEqual(report.intake.map(r => r.agency), [A.code, B.code, C.code], 'reports in the mailboxes’ order');
  } finally {
    await w.close();
  }
});

test('run --once over many mailboxes takes more at once than the service’s cycle places (no IDLE to keep slots for), within the budget', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc'], { overrides: { connections: { imapPerHost: 3 }, workers: { cycleConcurrency: 1 } } });
  try {
    await fill(w, ['soyte', 'ubnd', 'stc']);
    // Hold each connection until three are asked for (or a generous while): one place would open one at a time.
    let waiting: Array<() => void> = [];
    w.mailboxes.beforeOpen = () =>
      new Promise<void>(resolve => {
        waiting.push(resolve);
        if (waiting.length >= 3) {
          waiting.forEach(r => r());
          waiting = [];
        } else setTimeout(resolve, 3000);
      });
    const report = await runCycle(w.app, { only: ['intake'] });
    t.deepEqual(report.errors, []);
    t.is(w.mailboxes.maxOpen, 3, 'three mailboxes at once with cycleConcurrency 1, and never more than the budget of 3');
    t.deepEqual(report.intake.map(r => r.processed.length), [2, 2, 2]);
  } finally {
    await w.close();
  }
});

test('a server without IDLE: IDLE_UNSUPPORTED (not IDLE_START), and the mailbox is polled on its own schedule', async t => {
  const w = await openWorld(['soyte', 'ubnd'], { agency: { soyte: { imap: { host: '127.0.0.1', port: 1, user: A.email, passwordEnv: 'SOYTE_IMAP_PASSWORD', pollSeconds: 7 } } } });
  try {
    w.mailboxes.of(A.code).idle = false;
    const m = manualTimers();
    const polled: string[] = [];
    const watchers = mailboxWatchers(w.app, a => polled.push(a.code), m.timers);
    watchers.add(w.agency('soyte'));
    watchers.add(w.agency('ubnd'));
    await new Promise(r => setImmediate(r));
    const events = (code: string) => w.log.lines.filter(l => l.agency === code).map(l => l.event);
    t.deepEqual(events(A.code), ['IDLE_UNSUPPORTED']);
    t.deepEqual(events(B.code), ['IDLE_START']);
    t.deepEqual(watchers.modes(), { [A.code]: 'poll:unsupported', [B.code]: 'idle' });
    t.is(w.mailboxes.of(A.code).open, 0, 'no connection kept for a mailbox without IDLE');
    t.true(m.every.some(e => e.on && e.ms === 7000), 'its own poll interval (imap.pollSeconds)');
    m.fire(7000);
    m.fire(7000);
    t.deepEqual(polled, [A.code, A.code]);
    w.mailboxes.of(B.code).deliver(await doc(1, B.email));
    t.deepEqual(polled, [A.code, A.code, B.code], 'the IDLE mailbox is triggered by EXISTS');
    await watchers.stopAll();
    t.is(w.mailboxes.open, 0);
  } finally {
    await w.close();
  }
});

test('IDLE listeners take budget slots without waiting and leave room for the cycles; the rest are polled (IDLE_NO_BUDGET)', async t => {
  const w = await openWorld(['soyte', 'ubnd', 'stc'], { overrides: { connections: { imapPerHost: 2 }, workers: { cycleConcurrency: 1 } } });
  try {
    const m = manualTimers();
    const watchers = mailboxWatchers(w.app, () => undefined, m.timers);
    for (const k of ['soyte', 'ubnd', 'stc'] as const) watchers.add(w.agency(k));
    await new Promise(r => setImmediate(r));
    const modes = Object.values(watchers.modes());
    t.is(modes.filter(x => x === 'idle').length, 1, 'budget 2 minus 1 kept for cycles');
    t.is(modes.filter(x => x === 'poll:budget').length, 2);
    t.is(w.log.lines.filter(l => l.event === 'IDLE_NO_BUDGET').length, 2);
    t.is(w.mailboxes.open, 1);
    await watchers.stopAll();
  } finally {
    await w.close();
  }
});

test('the service: one connection per mailbox at most (its cycle borrows the IDLE connection), mail taken in on EXISTS, status shows the owner and last cycle', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte', 'ubnd'], { clock });
  const m = manualTimers();
  const stop = await startService(w.app, { timers: m.timers, web: false, cron: false, random: () => 0.5 });
  try {
    await settle(() => w.mailboxes.open === 2 && w.log.lines.filter(l => l.event === 'INTAKE_CYCLE').length >= 2);
    t.is(w.mailboxes.of(A.code).open, 1, 'the IDLE listener is back after the first cycle');
    const box = w.mailboxes.of(A.code);
    box.deliver(await doc(7, A.email));
    await settle(async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n) === 1 && box.open === 1 && box.messages().length === 0);
    t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 1, 'registered through IDLE');
    t.is(box.maxOpen, 1, 'never two connections to one mailbox');
    t.is(w.mailboxes.of(B.code).maxOpen, 1);
    const view = await workersView(w.app.db, clock.now());
    t.deepEqual(view.workers.map(x => [x.id, x.alive, x.mailboxes]), [[w.app.workerId, true, 2]]);
    t.deepEqual(view.mailboxes.map(x => [x.agency, x.owner, x.ownerAlive]), [
      [A.code, w.app.workerId, true],
      [B.code, w.app.workerId, true],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    t.truthy(view.mailboxes.find(x => x.agency === A.code)!.lastCycleAt);
  } finally {
    await stop();
  }
  t.is(w.mailboxes.open, 0, 'everything closed on stop');
  const after = await workersView(w.app.db, clock.now());
  t.deepEqual(after.mailboxes.map(x => x.owner), [null, null], 'a clean stop gives the mailboxes back');
  await w.close();
});

test('a new-mail trigger queued behind a cycle that took its mail in finds the inbox empty: no second cycle (docs/operations.md §Many mailboxes)', async t => {
  const w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z') });
  const m = manualTimers();
  const stop = await startService(w.app, { timers: m.timers, web: false, cron: false, random: () => 0.5 });
  const cycles = () => w.log.lines.filter(l => l.event === 'INTAKE_CYCLE').length;
  try {
    await settle(() => w.mailboxes.open === 1 && cycles() >= 1);
    const box = w.mailboxes.of(A.code);
    const before = { cycles: cycles(), lends: box.lends };
    const second = await doc(2, A.email);
    let delivered = false;
    // The second mail comes while the first one's cycle has opened the inbox, before it lists it: its
    // notification queues one more cycle, but this cycle takes both in.
    box.onCall = call => {
      if (call.op === 'open' && call.folder === 'INBOX' && !delivered) {
        delivered = true;
        box.deliver(second);
      }
    };
    box.deliver(await doc(1, A.email));
    await settle(async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n) === 2 && box.messages().length === 0 && box.open === 1);
    await new Promise(r => setTimeout(r, 300)); // the queued trigger has had its turn
    t.true(delivered);
    t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 2, 'both registered');
    t.is(cycles() - before.cycles, 1, 'one intake cycle: the queued one found the inbox empty and did not run');
    t.is(box.lends - before.lends, 1, 'the IDLE connection lent once');
  } finally {
    await stop();
  }
  await w.close();
});

test('with IDLE on, a service serving N mailboxes holds exactly N connections across many cycles; mail arriving during a cycle is taken in', async t => {
  const keys = ['soyte', 'ubnd', 'stc'] as const;
  const w = await openWorld([...keys], { overrides: { workers: { cycleConcurrency: 3 } } });
  const m = manualTimers();
  const stop = await startService(w.app, { timers: m.timers, web: false, cron: false, random: () => 0.5 });
  const registered = async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n);
  try {
    await settle(() => w.mailboxes.open === 3 && w.log.lines.filter(l => l.event === 'INTAKE_CYCLE').length >= 3);
    const boxes = keys.map(k => w.mailboxes.of(w.agency(k).code));
    // A listener whose staggered start had not come yet when the first cycle ran was started after it: from here on, no new connection.
    const before = boxes.map(b => b.opens);
    t.deepEqual(boxes.map(b => b.open), [1, 1, 1], 'one IDLE connection per mailbox');
    // At the move of the second burst on each mailbox (after its list): one more mail arrives while its cycle runs.
    let n = 1;
    const late = new Map<number, Buffer>();
    for (const [i, k] of keys.entries()) late.set(i, await doc(900 + i, w.agency(k).email));
    let expected = 0;
    for (let burst = 0; burst < 4; burst++) {
      for (const [i, k] of keys.entries()) {
        const box = boxes[i]!;
        if (burst === 1) {
          let sent = false;
          box.onCall = call => {
            if (call.op !== 'move' || sent) return;
            sent = true;
            box.deliver(late.get(i)!);
          };
          expected++;
        }
        for (let j = 0; j < 2; j++) box.deliver(await doc(n++, w.agency(k).email));
        expected += 2;
      }
      await settle(async () => (await registered()) === expected && boxes.every(b => b.messages().length === 0));
      t.is(await registered(), expected, `burst ${burst + 1}: every mail registered`);
    }
    t.true(boxes.every(b => b.lends >= 4), 'each mailbox had a cycle per burst, on its IDLE connection');
    t.deepEqual(boxes.map(b => b.opens), before, 'no connection opened (nor closed and reopened) for any of these cycles');
    t.is(w.mailboxes.maxOpen, 3, 'never more than one per mailbox');
    t.is(w.mailboxes.open, 3, 'the listeners are still there');
    t.is(w.app.connections.imap.peak('127.0.0.1'), 3, 'each counted once against the host budget');
  } finally {
    await stop();
  }
  t.is(w.mailboxes.open, 0, 'everything closed on stop');
  await w.close();
});

test('two services on one database: a silent one loses its mailboxes to the other within lease + heartbeat', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w1 = await openWorld(['soyte', 'ubnd', 'stc'], { clock });
  // The second service opens the first one's database (a file on SQLite, a database on PostgreSQL).
  const w2 = await openWorld(['soyte', 'ubnd', 'stc'], { clock, dir: w1.dir, database: w1.app.config.storage.database });
  const m1 = manualTimers();
  const m2 = manualTimers();
  const stop1 = await startService(w1.app, { timers: m1.timers, web: false, cron: false });
  const stop2 = await startService(w2.app, { timers: m2.timers, web: false, cron: false });
  try {
    const owners = async () => (await workersView(w1.app.db, clock.now())).mailboxes.map(x => x.owner);
    t.deepEqual(await owners(), [w1.app.workerId, w1.app.workerId, w1.app.workerId], 'the first takes all');
    // Heartbeats: the first gives its surplus back, the second takes it.
    clock.advance(5000);
    m1.fire(5000);
    await settle(async () => (await owners()).includes(null));
    m2.fire(5000);
    await settle(async () => (await owners()).includes(w2.app.workerId));
    const shared = await owners();
    t.is(shared.filter(o => o === w2.app.workerId).length, 1, 'the joiner took its share');
    t.is(shared.filter(o => o === w1.app.workerId).length, 2);
    // The first goes silent (as if killed): no more heartbeats. 25 s later the second has everything.
    for (let s = 5; s <= 25; s += 5) {
      clock.advance(5000);
      m2.fire(5000);
      await settle(async () => (await workersView(w1.app.db, clock.now())).workers.find(x => x.id === w2.app.workerId)?.heartbeatAt === clock.now().toISOString());
    }
    await settle(async () => (await owners()).every(o => o === w2.app.workerId));
    t.deepEqual(await owners(), [w2.app.workerId, w2.app.workerId, w2.app.workerId]);
  } finally {
    await stop2();
    await stop1();
    await w2.close();
    await w1.close();
  }
});


test('a mailbox whose cycle failed waits its backoff (MAILBOX_BACKOFF), then is taken in again', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte'], { clock });
  const m = manualTimers();
  let opens = 0;
  w.mailboxes.beforeOpen = async () => void opens++;
  w.mailboxes.down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const stop = await startService(w.app, { timers: m.timers, web: false, cron: false, random: () => 0.5 });
  try {
    await settle(() => w.log.lines.some(l => l.event === 'MAILBOX_BACKOFF'));
    const backoff = w.log.lines.find(l => l.event === 'MAILBOX_BACKOFF')!;
    t.is(backoff.waitMs, 3750, 'first failure: 5 s step, half fixed and half drawn');
    const tried = opens;
    const box = w.mailboxes.of(A.code);
    box.deliver(await doc(3, A.email)); // EXISTS while it backs off: no attempt
    await new Promise(r => setTimeout(r, 200));
    t.is(opens, tried, 'no new attempt before the backoff ends');
    w.mailboxes.down = null;
    clock.advance(4000);
    box.deliver(await doc(4, A.email));
    await settle(async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n) === 2);
    t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 2, 'both mails once the backoff is over');
  } finally {
    await stop();
    await w.close();
  }
});
