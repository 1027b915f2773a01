import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { defaultCalendarPath, loadHolidayCalendar, type HolidayCalendar } from '../domain/calendar/index.js';

const cache = new Map<string, HolidayCalendar>();

/** The working-day calendar of this configuration (config.holidays or the packaged table), read once. */
export function calendarFor(config: Pick<Config, 'holidays'>): HolidayCalendar {
  const file = config.holidays ?? defaultCalendarPath();
  let cal = cache.get(file);
  if (!cal) cache.set(file, (cal = loadHolidayCalendar(readFileSync(file, 'utf8'))));
  return cal;
}
