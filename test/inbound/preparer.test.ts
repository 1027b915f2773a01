/**
 * The prepare pool's budget (src/inbound/preparer.ts, docs/hostile-input.md §Per-mail isolation):
 * a mail over its time, heap or memory budget gets a budget failure, its worker is replaced, and the
 * next mail is prepared as usual. A stand-in worker (test/helpers/budget-worker.ts) misbehaves on
 * demand, so each budget is exceeded for certain.
 */
import test from 'ava';
import { workerPreparer, type PrepareBudget } from '../../src/inbound/preparer.js';
import type { Prepared } from '../../src/inbound/prepare.js';

const entry = new URL('../helpers/budget-worker.ts', import.meta.url);
const trust = { anchors: [], crls: [] } as never;
const pool = (budget: Partial<PrepareBudget>, size = 1) =>
  workerPreparer(size, trust, 50, { timeoutMs: 60_000, maxHeapMb: 256, maxGrowthMb: 4096, ...budget }, { entry });
const run = (p: ReturnType<typeof pool>, text: string): Promise<Prepared> => p.prepare(Buffer.from(text), new Date());

test('a mail that never finishes is ended at its deadline; the next mail is prepared by a fresh worker', async t => {
  const p = pool({ timeoutMs: 1500 });
  try {
    t.deepEqual(await run(p, 'first'), { ok: false, error: 'echo first' }, 'the worker answers (ready before the clock starts)');
    const stuck = await run(p, 'spin');
    t.false(stuck.ok);
    t.like(stuck, { budget: 'time' });
    t.regex((stuck as { error: string }).error, /^PREPARE_BUDGET_EXCEEDED: not prepared within 1500 ms/);
    t.deepEqual(await run(p, 'after'), { ok: false, error: 'echo after' });
  } finally {
    await p.close();
  }
});

test('a mail that fills the heap reaches the heap limit: a memory budget failure, and the pool goes on', async t => {
  const p = pool({ maxHeapMb: 64 });
  try {
    const r = await run(p, 'heap');
    t.like(r, { ok: false, budget: 'memory' });
    t.regex((r as { error: string }).error, /heap limit of 64 MB/);
    t.deepEqual(await run(p, 'next'), { ok: false, error: 'echo next' });
  } finally {
    await p.close();
  }
});

test('a mail that allocates memory outside the heap is ended when the process grew past the budget', async t => {
  const p = pool({ maxGrowthMb: 128 });
  try {
    const r = await run(p, 'buffers');
    t.like(r, { ok: false, budget: 'memory' });
    t.regex((r as { error: string }).error, /resident memory grew by \d+ MB \(budget 128 MB\)/);
    t.deepEqual(await run(p, 'next'), { ok: false, error: 'echo next' });
  } finally {
    await p.close();
  }
});

test('a crashing worker fails only its own mail (an error, retried by the intake), not a budget', async t => {
  const p = pool({}, 2);
  try {
    const [crash, other] = await Promise.allSettled([run(p, 'crash'), run(p, 'fine')]);
    t.is(crash.status, 'rejected');
    t.regex(String((crash as PromiseRejectedResult).reason), /prepare worker died: worker blew up/);
    t.deepEqual(other, { status: 'fulfilled', value: { ok: false, error: 'echo fine' } });
    t.deepEqual(await run(p, 'again'), { ok: false, error: 'echo again' });
  } finally {
    await p.close();
  }
});

test('a mail waiting for a free worker is not started: its onStart runs when a worker takes it, and its deadline counts from there', async t => {
  const p = pool({ timeoutMs: 1500 });
  try {
    const order: string[] = [];
    const stuck = p.prepare(Buffer.from('spin'), new Date(), { onStart: async () => void order.push('start spin') });
    const next = p.prepare(Buffer.from('next'), new Date(), { onStart: async () => void order.push('start next') });
    const first = await stuck;
    order.push('spin ended');
    t.like(first, { ok: false, budget: 'time' });
    t.deepEqual(await next, { ok: false, error: 'echo next' }, 'the wait for the worker was not counted against it');
    t.deepEqual(order, ['start spin', 'spin ended', 'start next']);
  } finally {
    await p.close();
  }
});
