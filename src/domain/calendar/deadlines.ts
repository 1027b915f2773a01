import { instantAt, localDateTime, parseHhmm, toLocalDate, type LocalDate } from './local-date.js';
import type { HolidayCalendar } from './working-days.js';

/**
 * Deadlines of NĐ 30/2020/NĐ-CP, counted in Vietnamese working days (docs/working-days.md §Deadlines).
 * Urgent documents (hỏa tốc, thượng khẩn, khẩn) are due "immediately": the caller decides that and
 * does not call these functions for them.
 */

/**
 * Latest time an outgoing document may be sent: the cut-off hour of the next working day after the
 * signing date. NĐ 30 Art. 18.1: issued the day it is signed, at the latest the next working day;
 * provincial practice narrows that to the next working *morning* (cut-off is configuration).
 */
export function sendDeadline(signedAt: Date, cal: HolidayCalendar, cutoff = '11:30'): Date {
  return instantAt(cal.nextWorkingDay(toLocalDate(signedAt)), parseHhmm(cutoff));
}

/**
 * When an outgoing document should ideally go: the end of the signing day when it was signed on a
 * working day before office end ("ngay trong ngày", Art. 18.1); otherwise the sendDeadline.
 */
export function sendTarget(signedAt: Date, cal: HolidayCalendar, cutoff = '11:30', officeEnd = '17:00'): Date {
  const { date, minutes } = localDateTime(signedAt);
  const end = parseHhmm(officeEnd);
  if (cal.isWorkingDay(date) && minutes < end) return instantAt(date, end);
  return sendDeadline(signedAt, cal, cutoff);
}

/**
 * Latest time to notify the sender that an incoming document was received (NĐ 30 Art. 21.2.c: the
 * same day). A mail arriving after office end or on a day off counts as received on the next working
 * day (docs/working-days.md §Deadlines), so it is due at that day's office end.
 */
export function receiptDeadline(arrivedAt: Date, cal: HolidayCalendar, officeEnd = '17:00'): Date {
  const { date, minutes } = localDateTime(arrivedAt);
  const end = parseHhmm(officeEnd);
  const day = cal.isWorkingDay(date) && minutes < end ? date : cal.nextWorkingDay(date);
  return instantAt(day, end);
}

/**
 * Due date of a task of `workingDays` working days starting from `from`: the n-th working day after
 * the start date (the start day itself is not counted). Returns the local date; the task is due by
 * that day's office end.
 */
export function processingDueDate(from: Date | LocalDate, workingDays: number, cal: HolidayCalendar): LocalDate {
  const start = typeof from === 'string' ? from : toLocalDate(from);
  return cal.addWorkingDays(start, workingDays);
}
