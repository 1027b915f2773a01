/**
 * When to try an outgoing mail again after a retryable SMTP failure (smtp-response.ts said `retry`).
 * SMTP runs around the clock, so these are wall-clock delays, not working days. RFC 5321 §4.5.4.1:
 * retry intervals of at least 30 minutes and a give-up time of at least 4–5 days are the MTA norm;
 * we start faster (an official document is due the same or next working day, NĐ 30 Art. 18.1) and
 * give up after 3 days, because by then the clerk must send it another way and the document's send
 * deadline is long past.
 */

/** Minutes to wait after the n-th failed attempt (index n-1); the last value repeats. Cumulative time in comments. */
export const RETRY_SCHEDULE: readonly number[] = [
  2, //     2 min
  5, //     7 min
  10, //   17 min
  15, //   32 min
  30, //    1 h 02
  60, //    2 h 02
  120, //   4 h 02
  240, //   8 h 02
  480, //  16 h 02
  480, //  24 h 02
  720, //  36 h 02, then every 12 h until MAX_AGE
];

/** Give up (recipient → `expired`) this long after the first attempt: 3 days. */
export const MAX_AGE_MINUTES = 3 * 24 * 60;

const MINUTE_MS = 60_000;

/**
 * The time of the next attempt after `attempts` failed ones, or null when the mail has expired.
 * A retry that would fall after the max age is moved to the max age itself, so there is always one
 * last attempt at the deadline before giving up.
 */
export function nextAttempt(
  attempts: number,
  firstAttemptAt: Date,
  now: Date,
  schedule: readonly number[] = RETRY_SCHEDULE,
  maxAgeMinutes: number = MAX_AGE_MINUTES,
): Date | null {
  const expiresAt = firstAttemptAt.getTime() + maxAgeMinutes * MINUTE_MS;
  if (now.getTime() >= expiresAt) return null;
  if (attempts <= 0 || schedule.length === 0) return new Date(now.getTime());
  const delay = schedule[Math.min(attempts, schedule.length) - 1]!;
  return new Date(Math.min(now.getTime() + delay * MINUTE_MS, expiresAt));
}
