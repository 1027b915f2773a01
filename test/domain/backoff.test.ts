/** The retry delay with jitter (src/domain/backoff.ts): doubling, capped, half fixed and half random. */
import test from 'ava';
import { backoffMs } from '../../src/domain/backoff.js';

test('no failure, no wait; then doubling from the base up to the cap', t => {
  t.is(backoffMs(0, 0.5), 0);
  t.deepEqual([1, 2, 3, 4].map(f => backoffMs(f, 1)), [1000, 2000, 4000, 8000]);
  t.is(backoffMs(20, 1), 60_000, 'capped');
  t.is(backoffMs(200, 1, 5_000, 600_000), 600_000, 'a huge count does not overflow');
});

test('jitter: between half the step and the whole step, by the random draw', t => {
  t.is(backoffMs(3, 0), 2000);
  t.is(backoffMs(3, 0.5), 3000);
  t.is(backoffMs(3, 0.999999), 4000);
  t.not(backoffMs(5, 0.1), backoffMs(5, 0.9), 'two mailboxes failing together come back apart');
});
