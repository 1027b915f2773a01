import test from 'ava';
import { syncBatcher } from '../../src/io/sync-batch.js';

const gate = () => {
  let open!: () => void;
  const p = new Promise<void>(r => (open = r));
  return { p, open };
};

test('callers that come while a sync runs share the next one, which covers all their keys', async t => {
  const calls: string[][] = [];
  const gates = [gate(), gate()];
  const sync = syncBatcher<string>(async keys => {
    calls.push([...keys]);
    await gates[calls.length - 1]!.p;
  });
  const first = sync(['a']);
  const second = sync(['b']);
  const third = sync(['c']);
  t.deepEqual(calls, [['a']], 'one sync at a time');
  let secondDone = false;
  void second.then(() => (secondDone = true));
  gates[0]!.open();
  await first;
  await Promise.resolve();
  t.false(secondDone, 'a caller that came during the first sync waits for the next one');
  t.deepEqual(calls, [['a'], ['b', 'c']], 'the next sync covers every caller that waited');
  gates[1]!.open();
  await Promise.all([second, third]);
  t.pass();
});

test('a failed sync fails its callers, and the next callers get a sync of their own', async t => {
  let n = 0;
  const sync = syncBatcher<string>(async () => {
    n++;
    if (n === 1) throw new Error('disk');
  });
  const first = sync(['a']);
  const second = sync(['b']);
  await t.throwsAsync(first, { message: 'disk' });
  await second;
  t.is(n, 2);
  await sync(['c']);
  t.is(n, 3, 'idle again: a sync at once');
});
