/**
 * Asia/Ho_Chi_Minh is UTC+7 with no daylight saving since 1975, so local wall-clock values are
 * plain arithmetic on the UTC instant (no tz database needed, pure and fast).
 */
const OFFSET_MS = 7 * 3600 * 1000;

/** Calendar year of an instant in Vietnam (the register year: series restart on 1 January local). */
export function vnYear(instant: Date): number {
  return new Date(instant.getTime() + OFFSET_MS).getUTCFullYear();
}

/** `YYYY-MM-DD` of an instant in Vietnam. */
export function vnDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** `dd/mm/yyyy` of an instant in Vietnam (how dates are written on documents and receipts). */
export function vnDateDisplay(instant: Date): string {
  const [y, m, d] = vnDate(instant).split('-');
  return `${d}/${m}/${y}`;
}

/** `dd/mm/yyyy HH:MM` in Vietnam. */
export function vnDateTimeDisplay(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET_MS).toISOString();
  return `${vnDateDisplay(instant)} ${local.slice(11, 16)}`;
}

/** `YYYY-MM-DD` → `dd/mm/yyyy`. */
export function isoToDisplay(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An RFC 5322 §3.3 date-time in Vietnam time, `Tue, 01 Dec 2026 09:05:00 +0700`: the `Date:` of
 * every mail we send (docs/mail.md §Sending and retries), so a clerk's client and the receipt's
 * evidence show the local hour the gateway wrote it.
 */
export function vnMailDate(instant: Date): string {
  const l = new Date(instant.getTime() + OFFSET_MS);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[l.getUTCDay()]}, ${p2(l.getUTCDate())} ${MONTHS[l.getUTCMonth()]} ${l.getUTCFullYear()} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())} +0700`;
}
