/** The service's one cycle runner: one run at a time, what is asked meanwhile merged into the next run. */
import test from 'ava';
import type { HostedAgency } from '../../src/config/schema.js';
import { cycleRunner, mergeRequests, type CycleRequest } from '../../src/schedule/cycle-runner.js';
import { openWorld, stepClock } from '../helpers/world.js';

const ag = (code: string) => ({ code }) as HostedAgency;

const merges: Array<[string, CycleRequest, CycleRequest, CycleRequest]> = [
  ['all stages with some stay all', {}, { only: ['outbox'] }, { only: undefined, agencies: undefined }],
  ['stages unite', { only: ['outbox'] }, { only: ['reconcile', 'outbox'] }, { only: ['outbox', 'reconcile'], agencies: undefined }],
  ['mailboxes unite by code', { agencies: [ag('A')], only: ['intake'] }, { agencies: [ag('B'), ag('A')], only: ['intake'] }, { only: ['intake'], agencies: [ag('A'), ag('B')] }],
  ['one mailbox with all of them is all', { agencies: [ag('A')] }, {}, { only: undefined, agencies: undefined }],
];
for (const [title, a, b, expected] of merges) {
  test(`mergeRequests: ${title}`, t => {
    t.deepEqual(mergeRequests(a, b), expected);
    t.deepEqual(mergeRequests(b, a).only?.slice().sort(), expected.only?.slice().sort());
  });
}

test('triggers while a cycle runs are merged into one next run; every trigger resolves once covered', async t => {
  const w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z') });
  try {
    const opened: number[] = [];
    const box = w.mailboxes.of(w.agency('soyte').code);
    const real = w.mailboxes.openMailbox;
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    let first = true;
    let entered!: () => void;
    const running = new Promise<void>(r => (entered = r));
    w.app.ports.openMailbox = async agency => {
      opened.push(opened.length + 1);
      if (first) {
        first = false;
        entered();
        await gate; // the first cycle waits here while the others are asked for
      }
      return real(agency);
    };
    const errors: string[][] = [];
    const trigger = cycleRunner(w.app, e => errors.push(e));
    const p1 = trigger({ only: ['intake'] });
    const p2 = trigger({ only: ['intake'] });
    const p3 = trigger({ only: ['outbox'] });
    await running;
    await new Promise(r => setTimeout(r, 20));
    t.is(opened.length, 1, 'one run at a time');
    release();
    await Promise.all([p1, p2, p3]);
    t.is(opened.length, 2, 'the two waiting triggers became one run');
    t.deepEqual(errors, []);
    t.is(box.open, 0);
  } finally {
    await w.close();
  }
});
