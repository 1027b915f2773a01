/** Vietnamese working days, holidays and NĐ 30/2020 deadlines (pure; time is a parameter). */
export * from './local-date.js';
export { createCalendar, type DayOff, type HolidayCalendar } from './working-days.js';
export { loadHolidayCalendar, defaultCalendarPath } from './holidays.js';
export { sendDeadline, sendTarget, receiptDeadline, processingDueDate } from './deadlines.js';
