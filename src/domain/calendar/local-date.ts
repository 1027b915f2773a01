import { BridgeError } from '../../errors.js';

/**
 * Calendar dates and wall-clock times in Asia/Ho_Chi_Minh. Vietnam has been UTC+7 without
 * daylight saving since 1975, so local values are plain arithmetic on the UTC instant: no tz
 * database, no `Intl`, no clock reads (CONTRIBUTING: pure domain code takes time as a parameter).
 */

/** A calendar date in Asia/Ho_Chi_Minh, `YYYY-MM-DD`. */
export type LocalDate = string;

/** Vietnam's fixed offset from UTC in milliseconds. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 86_400_000;
const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True when s is a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isLocalDate(s: unknown): s is LocalDate {
  if (typeof s !== 'string') return false;
  const m = LOCAL_DATE_RE.exec(s);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === s;
}

/** Days since 1970-01-01 of a local date; throws INTERNAL on a malformed date (a caller bug). */
export function toDayNumber(date: LocalDate): number {
  if (!isLocalDate(date)) throw new BridgeError('INTERNAL', `Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** The local date of a day number (inverse of toDayNumber). */
export function fromDayNumber(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** date + n calendar days. */
export function addDays(date: LocalDate, n: number): LocalDate {
  return fromDayNumber(toDayNumber(date) + n);
}

/** Day of the week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(date: LocalDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

/** True on Saturday and Sunday, the weekly rest days of QĐ 188/1999/QĐ-TTg Art. 1. */
export function isWeekend(date: LocalDate): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/** The local date of an instant in Asia/Ho_Chi_Minh. */
export function toLocalDate(instant: Date): LocalDate {
  return new Date(instant.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Local date and minutes since local midnight of an instant. */
export function localDateTime(instant: Date): { date: LocalDate; minutes: number } {
  const local = instant.getTime() + VN_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  return { date: fromDayNumber(day), minutes: Math.floor((local - day * DAY_MS) / 60_000) };
}

/** Minutes since midnight of an `HH:MM` wall-clock time; throws CONFIG_INVALID when malformed. */
export function parseHhmm(hhmm: string): number {
  const m = HHMM_RE.exec(hhmm);
  if (!m) throw new BridgeError('CONFIG_INVALID', `Not an HH:MM time: ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant at a local wall-clock time (minutes since midnight) on a local date. */
export function instantAt(date: LocalDate, minutes: number): Date {
  return new Date(toDayNumber(date) * DAY_MS + minutes * 60_000 - VN_OFFSET_MS);
}
