import test from 'ava';
import { MAX_AGE_MINUTES, RETRY_SCHEDULE, nextAttempt } from '../../../src/domain/outgoing/retry.js';

const first = new Date('2026-11-20T02:00:00Z');
const at = (minutes: number): Date => new Date(first.getTime() + minutes * 60_000);

const cases: Array<[string, number, number, number | null]> = [
  // [title, attempts, now (min after first), next (min after first) | null]
  ['no attempt yet: now', 0, 0, 0],
  ['after the 1st failure: +2 min', 1, 0, 2],
  ['after the 2nd failure: +5 min', 2, 2, 7],
  ['after the 5th failure: +30 min', 5, 32, 62],
  ['the last delay repeats', 20, 3000, 3720],
  ['a retry past the max age is moved to the max age', 11, 4000, MAX_AGE_MINUTES],
  ['at the max age: expired', 12, MAX_AGE_MINUTES, null],
  ['after the max age: expired', 3, MAX_AGE_MINUTES + 1, null],
];
for (const [title, attempts, now, expected] of cases) {
  test(`nextAttempt: ${title}`, (t) => {
    const r = nextAttempt(attempts, first, at(now));
    t.is(r?.toISOString() ?? null, expected === null ? null : at(expected).toISOString());
  });
}

test('schedule and max age can be overridden (config)', (t) => {
  t.is(nextAttempt(1, first, first, [1], 10)!.toISOString(), at(1).toISOString());
  t.is(nextAttempt(9, first, at(9.5), [1], 10)!.toISOString(), at(10).toISOString());
  t.is(nextAttempt(9, first, at(10), [1], 10), null);
});

test('the cumulative comments match the table', (t) => {
  // 2+5+10+15+30+60+120+240+480+480+720 = 2162 min = 36 h 02.
  t.is(RETRY_SCHEDULE.reduce((a, b) => a + b, 0), 36 * 60 + 2);
  t.is(MAX_AGE_MINUTES, 4320);
});
