/** Each mailbox's intake on its own (src/schedule/mailbox-queue.ts): bounded, never twice at once, no trigger lost. */
import test from 'ava';
import type { HostedAgency } from '../../src/config/schema.js';
import { mailboxQueue } from '../../src/schedule/mailbox-queue.js';

const ag = (code: string) => ({ code }) as HostedAgency;

function harness(concurrency: number) {
  const gates: Array<{ code: string; open(): void }> = [];
  const runs: string[] = [];
  let active = 0;
  let peak = 0;
  const perBox = new Map<string, number>();
  let twice = false;
  const q = mailboxQueue(concurrency, agency => {
    runs.push(agency.code);
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
  });
  const openAll = () => gates.splice(0).forEach(g => g.open());
  return { q, runs, openAll, gates, stats: () => ({ peak, twice }) };
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
