import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BridgeError } from '../../errors.js';
import { packagePath } from '../../paths.js';
import { isLocalDate, isWeekend, toDayNumber, fromDayNumber, addDays, type LocalDate } from './local-date.js';
import { createCalendar, type DayOff, type HolidayCalendar } from './working-days.js';

/**
 * The yearly holiday table (config/holidays.yaml) → a HolidayCalendar. Pure: the caller reads the
 * file. The make-up rule of BLLĐ 2019 Art. 111.3 is applied here, so the table lists only the
 * statutory days and the notice's swaps.
 */

const localDate = z.string().refine(isLocalDate, { message: 'expected a real date YYYY-MM-DD' });

const entry = z
  .object({
    date: localDate,
    to: localDate.optional(),
    name: z.string().min(1),
    unverified: z.boolean().optional(),
  })
  .strict();

const holidayEntry = entry.extend({ makeUp: z.boolean().optional() }).strict();

const yearSchema = z
  .object({
    basis: z.enum(['official', 'default']),
    source: z.string().min(1),
    holidays: z.array(holidayEntry),
    daysOff: z.array(entry).default([]),
    workingSaturdays: z.array(entry).default([]),
  })
  .strict();

const fileSchema = z
  .object({
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys are four digits'), yearSchema),
  })
  .strict();

type YearTable = z.infer<typeof yearSchema>;
type Entry = z.infer<typeof entry>;

/** Parse and validate config/holidays.yaml; throws CONFIG_INVALID naming the bad key. */
export function loadHolidayCalendar(yamlText: string): HolidayCalendar {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (cause) {
    throw new BridgeError('CONFIG_INVALID', `holidays: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = ['holidays', ...issue.path].join('.');
    throw new BridgeError('CONFIG_INVALID', `${key}: ${issue.message}`, { details: { key, issues: parsed.error.issues } });
  }
  const days = new Map<LocalDate, DayOff>();
  const workingSaturdays = new Map<LocalDate, string>();
  for (const [year, table] of Object.entries(parsed.data.years)) {
    buildYear(year, table, days, workingSaturdays);
  }
  return createCalendar(days, workingSaturdays, Object.keys(parsed.data.years).map(Number));
}

/** Absolute path of config/holidays.yaml in this package (resolved from this module, not the cwd). */
export function defaultCalendarPath(): string {
  return packagePath('config', 'holidays.yaml');
}

function expand(e: Entry, where: string): LocalDate[] {
  const from = toDayNumber(e.date);
  const to = e.to === undefined ? from : toDayNumber(e.to);
  if (to < from) throw new BridgeError('CONFIG_INVALID', `${where}.to: before date ${e.date}`);
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d++) out.push(fromDayNumber(d));
  return out;
}

function buildYear(year: string, table: YearTable, days: Map<LocalDate, DayOff>, worked: Map<LocalDate, string>): void {
  const put = (date: LocalDate, off: DayOff, where: string): void => {
    if (!date.startsWith(`${year}-`)) throw new BridgeError('CONFIG_INVALID', `${where}: ${date} is not in ${year}`);
    if (days.has(date)) throw new BridgeError('CONFIG_INVALID', `${where}: ${date} listed twice`);
    days.set(date, off);
  };
  table.workingSaturdays.forEach((e, i) => {
    const where = `holidays.years.${year}.workingSaturdays.${i}`;
    for (const date of expand(e, where)) {
      if (!isWeekend(date)) throw new BridgeError('CONFIG_INVALID', `${where}: ${date} is not a Saturday or Sunday`);
      worked.set(date, e.name);
    }
  });
  const makeUpFor: Array<{ date: LocalDate; name: string }> = [];
  table.holidays.forEach((e, i) => {
    const where = `holidays.years.${year}.holidays.${i}`;
    for (const date of expand(e, where)) {
      put(date, { name: e.name, kind: 'holiday', unverified: e.unverified === true }, where);
      if (e.makeUp !== false && isWeekend(date) && !worked.has(date)) makeUpFor.push({ date, name: e.name });
    }
  });
  table.daysOff.forEach((e, i) => {
    const where = `holidays.years.${year}.daysOff.${i}`;
    for (const date of expand(e, where)) {
      if (isWeekend(date)) throw new BridgeError('CONFIG_INVALID', `${where}: ${date} is a weekend day already`);
      put(date, { name: e.name, kind: 'swap', unverified: e.unverified === true }, where);
    }
  });
  // BLLĐ 2019 Art. 111.3: a holiday on a weekly rest day is made up on the next working day. Done in
  // date order after every listed day is known, so two weekend holidays (Tết) get two distinct days.
  makeUpFor.sort((a, b) => a.date.localeCompare(b.date));
  for (const h of makeUpFor) {
    let d = addDays(h.date, 1);
    while ((isWeekend(d) && !worked.has(d)) || days.has(d)) d = addDays(d, 1);
    const [, m, dd] = h.date.split('-');
    days.set(d, { name: `Nghỉ bù ${h.name} (${dd}/${m})`, kind: 'make-up', unverified: false });
  }
}
