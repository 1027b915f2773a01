/** Each mailbox's intake on its own (src/schedule/mailbox-queue.ts): bounded, never twice at once, no trigger lost. */
import test from 'ava';
import type { HostedAgency } from '../../src/config/schema.js';
import { mailboxQueue } from '../../src/schedule/mailbox-queue.js';

const ag = (code: string) => ({ code }) as HostedAgency;

function harness(concurrency: number, passLimit?: number) {
  const gates: Array<{ code: string; open(): void }> = [];
  const runs: string[] = [];
  let active = 0;
  let peak = 0;
  const perBox = new Map<string, number>();
  let twice = false;
  const lanes: string[] = [];
  const q = mailboxQueue(concurrency, (agency, lane) => {
    runs.push(agency.code);
    lanes.push(`${agency.code}:${lane}`);
    active++;
    peak = Math.max(peak, active);
    perBox.set(agency.code, (perBox.get(agency.code) ?? 0) + 1);
    if (perBox.get(agency.code)! > 1) twice = true;
    return new Promise<void>(r =>
      gates.push({
        code: agency.code,
        open: () => {
          active--;
          perBox.set(agency.code, perBox.get(agency.code)! - 1);
          r();
        },
      }),
    );
  }, { passLimit });
  const openAll = () => gates.splice(0).forEach(g => g.open());
  return { q, runs, lanes, openAll, gates, stats: () => ({ peak, twice }) };
}
const flush = () => new Promise(r => setImmediate(r));

test('at most `concurrency` mailboxes at once; a waiting one starts as soon as a place is free', async t => {
  const h = harness(2);
  const all = ['a', 'b', 'c', 'd'].map(c => h.q.run(ag(c)));
  await flush();
  t.deepEqual(h.runs, ['a', 'b']);
  h.gates.shift()!.open();
  await flush();
  t.deepEqual(h.runs, ['a', 'b', 'c'], 'c took a’s place without waiting for b');
  for (let i = 0; i < 5; i++) {
    h.openAll();
    await flush();
  }
  await Promise.all(all);
  t.is(h.stats().peak, 2);
});

test('a mailbox never runs twice at once; triggers while it runs become one more run', async t => {
  const h = harness(4);
  const first = h.q.run(ag('a'));
  await flush();
  const second = h.q.run(ag('a'));
  const third = h.q.run(ag('a'));
  t.is(second, third, 'one shared next run');
  await flush();
  t.deepEqual(h.runs, ['a']);
  h.openAll();
  await first;
  await flush();
  t.deepEqual(h.runs, ['a', 'a'], 'the trigger was not lost');
  h.openAll();
  await second;
  await h.q.drain();
  t.false(h.stats().twice);
});

test('mail announced by IDLE overtakes the polls already waiting for a place', async t => {
  const h = harness(1);
  const all = [h.q.run(ag('busy'), 'poll'), ...['p1', 'p2', 'p3'].map(c => h.q.run(ag(c), 'poll'))];
  await flush();
  all.push(h.q.run(ag('news'), 'announced'));
  t.deepEqual(h.q.waiting(), { announced: 1, poll: 3 });
  for (let i = 0; i < 6; i++) {
    h.openAll();
    await flush();
  }
  await Promise.all(all);
  t.deepEqual(h.runs, ['busy', 'news', 'p1', 'p2', 'p3'], 'the announced mailbox took the first free place');
});

test('a waiting poll whose mailbox announces mail moves up, runs once, in the announced lane', async t => {
  const h = harness(1);
  const all = ['busy', 'p1', 'p2', 'late'].map(c => h.q.run(ag(c), 'poll'));
  await flush();
  const promoted = h.q.run(ag('late'), 'announced');
  t.is(promoted, all[3], 'the waiting run is the one that takes the mail in');
  for (let i = 0; i < 6; i++) {
    h.openAll();
    await flush();
  }
  await Promise.all(all);
  t.deepEqual(h.runs, ['busy', 'late', 'p1', 'p2']);
  t.true(h.lanes.includes('late:announced'));
});

test('an announcement while the mailbox runs makes its next run announced', async t => {
  const h = harness(1);
  const first = h.q.run(ag('a'), 'poll');
  await flush();
  const polls = ['p1', 'p2'].map(c => h.q.run(ag(c), 'poll'));
  const again = h.q.run(ag('a'), 'announced');
  for (let i = 0; i < 6; i++) {
    h.openAll();
    await flush();
  }
  await Promise.all([first, again, ...polls]);
  t.deepEqual(h.runs, ['a', 'a', 'p1', 'p2'], 'a’s next run passed the waiting polls');
  t.deepEqual(h.lanes.slice(0, 2), ['a:poll', 'a:announced']);
});

test('polls are not starved: after `passLimit` announced runs have passed a poll, the poll runs', async t => {
  const h = harness(1, 2);
  const all = [h.q.run(ag('busy'), 'poll'), h.q.run(ag('poll'), 'poll')];
  await flush();
  all.push(...['n1', 'n2', 'n3', 'n4'].map(c => h.q.run(ag(c), 'announced')));
  for (let i = 0; i < 8; i++) {
    h.openAll();
    await flush();
  }
  await Promise.all(all);
  t.deepEqual(h.runs, ['busy', 'n1', 'n2', 'poll', 'n3', 'n4']);
});
