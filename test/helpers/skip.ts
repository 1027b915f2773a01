/**
 * A missing test server or browser is a visible skip, never a pass: `declareSkipped(test, reason)`
 * returns an ava `test` whose every test is declared skipped with the reason in its title, and
 * whose hooks do not run. scripts/test.sh fails on any skipped test, so CI cannot go green without
 * the real servers.
 */
import type { TestFn } from 'ava';

/** ava's `test`, with every test of the file declared skipped (title says why) and hooks disabled. */
export function declareSkipped<T>(test: TestFn<T>, what: string, reason: string): TestFn<T> {
  process.stderr.write(`\n*** SKIPPED: ${what} (${reason}) ***\n`);
  const note = ` [SKIPPED: ${reason}]`;
  const skip = ((title: string, ...rest: unknown[]) => (test.skip as (t: string, ...r: unknown[]) => void)(`${title}${note}`, ...rest)) as unknown as Record<string, unknown>;
  const hook = Object.assign(() => undefined, { always: () => undefined, skip: () => undefined });
  Object.assign(skip, { serial: skip, skip, only: skip, failing: skip, before: hook, after: hook, beforeEach: hook, afterEach: hook, todo: test.todo, meta: test.meta, macro: test.macro });
  return skip as unknown as TestFn<T>;
}
