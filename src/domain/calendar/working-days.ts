import { addDays, dayOfWeek, isWeekend, toDayNumber, type LocalDate } from './local-date.js';

/** Why a weekday is off: a statutory holiday, a swap from the yearly notice, or an Art. 111.3 make-up day. */
export type DayOff = { name: string; kind: 'holiday' | 'swap' | 'make-up'; unverified: boolean };

/** Vietnamese civil-service working days (Mon–Fri minus holidays, plus Saturdays worked). */
export type HolidayCalendar = {
  /** True on a working day. */
  isWorkingDay(date: LocalDate): boolean;
  /** The first working day strictly after date. */
  nextWorkingDay(date: LocalDate): LocalDate;
  /** date itself when it is a working day, else the next one. */
  sameOrNextWorkingDay(date: LocalDate): LocalDate;
  /** The n-th working day after date (n < 0: before; n = 0: date itself). */
  addWorkingDays(date: LocalDate, n: number): LocalDate;
  /** Working days in (a, b]; negative when b < a. addWorkingDays(a, workingDaysBetween(a, b)) ≤ b. */
  workingDaysBetween(a: LocalDate, b: LocalDate): number;
  /** Why date is not a working day ('Tết Nguyên đán', 'Chủ nhật'…), null on a working day. */
  explain(date: LocalDate): string | null;
  /** True when the table has the year of date; outside it only weekends and fixed solar holidays count. */
  covers(date: LocalDate): boolean;
  /** Years present in the table. */
  readonly years: readonly number[];
};

// Outside the table's years we still know the solar-calendar holidays of BLLĐ 2019 Art. 112; the
// lunar ones, the second 2/9 day, make-up days and swaps need the yearly notice.
const FIXED_SOLAR: Record<string, string> = {
  '01-01': 'Tết Dương lịch',
  '04-30': 'Ngày Chiến thắng',
  '05-01': 'Ngày Quốc tế Lao động',
  '09-02': 'Quốc khánh',
};

// Guards loops against a table that would make every day a holiday.
const MAX_SCAN_DAYS = 366;

/** Build the calendar from resolved days off and worked weekend days (see holidays.ts). */
export function createCalendar(
  daysOff: ReadonlyMap<LocalDate, DayOff>,
  workingWeekendDays: ReadonlyMap<LocalDate, string>,
  years: readonly number[],
): HolidayCalendar {
  const yearSet = new Set(years);
  const covers = (date: LocalDate): boolean => yearSet.has(Number(date.slice(0, 4)));

  const explain = (date: LocalDate): string | null => {
    toDayNumber(date); // validates
    if (covers(date)) {
      const off = daysOff.get(date);
      if (off) return off.name;
      if (workingWeekendDays.has(date)) return null;
    } else {
      const fixed = FIXED_SOLAR[date.slice(5)];
      if (fixed) return fixed;
    }
    if (isWeekend(date)) return dayOfWeek(date) === 6 ? 'Thứ Bảy' : 'Chủ nhật';
    return null;
  };
  const isWorkingDay = (date: LocalDate): boolean => explain(date) === null;

  const step = (date: LocalDate, dir: 1 | -1): LocalDate => {
    let d = addDays(date, dir);
    for (let i = 0; i < MAX_SCAN_DAYS && !isWorkingDay(d); i++) d = addDays(d, dir);
    return d;
  };

  const addWorkingDays = (date: LocalDate, n: number): LocalDate => {
    let d = date;
    const dir = n < 0 ? -1 : 1;
    for (let i = 0; i < Math.abs(n); i++) d = step(d, dir);
    return d;
  };

  const workingDaysBetween = (a: LocalDate, b: LocalDate): number => {
    const from = toDayNumber(a);
    const to = toDayNumber(b);
    if (to < from) return -workingDaysBetween(b, a);
    let count = 0;
    for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
    return count;
  };

  return {
    isWorkingDay,
    nextWorkingDay: (date) => step(date, 1),
    sameOrNextWorkingDay: (date) => (isWorkingDay(date) ? date : step(date, 1)),
    addWorkingDays,
    workingDaysBetween,
    explain,
    covers,
    years: [...years].sort((x, y) => x - y),
  };
}
