/**
 * The delay before the next try after `failures` failures in a row: doubling from `baseMs` up to
 * `maxMs`, then "equal jitter" (half fixed, half random), so mailboxes that failed together (a
 * server restart) do not all come back in the same second (docs/operations.md §Workers).
 * `random` is in [0, 1): Math.random in production, a fixed value in tests.
 */
export function backoffMs(failures: number, random: number, baseMs = 1000, maxMs = 60_000): number {
  if (failures <= 0) return 0;
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(cap / 2 + (cap / 2) * Math.min(Math.max(random, 0), 1));
}
