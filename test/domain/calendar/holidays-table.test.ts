import test from 'ava';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { addDays, defaultCalendarPath, isWeekend, loadHolidayCalendar } from '../../../src/domain/calendar/index.js';

/** Checks config/holidays.yaml against BLLĐ 2019 Art. 112 and the lunar table of docs/working-days.md §Lunar dates. */
const text = readFileSync(defaultCalendarPath(), 'utf8');
const cal = loadHolidayCalendar(text);
const table = parse(text) as { years: Record<string, { holidays: Array<{ date: string; to?: string; name: string }> }> };

// docs/working-days.md §Lunar dates (2024–2030): mùng 1 Tết and Giỗ Tổ (10/3 ÂL), precomputed.
const LUNAR: Array<[number, string, string]> = [
  [2024, '2024-02-10', '2024-04-18'],
  [2025, '2025-01-29', '2025-04-07'],
  [2026, '2026-02-17', '2026-04-26'],
  [2027, '2027-02-06', '2027-04-16'],
  [2028, '2028-01-26', '2028-04-04'],
  [2029, '2029-02-13', '2029-04-23'],
  [2030, '2030-02-02', '2030-04-12'],
];

function days(year: number, name: string): string[] {
  const out: string[] = [];
  for (const e of table.years[String(year)]!.holidays.filter((h) => h.name === name)) {
    for (let d = e.date; d <= (e.to ?? e.date); d = addDays(d, 1)) out.push(d);
  }
  return out;
}

for (const [year, tet, gioTo] of LUNAR) {
  test(`${year}: statutory holidays of BLLĐ 2019 Art. 112 are in the table`, (t) => {
    const tetDays = days(year, 'Tết Nguyên đán');
    t.is(tetDays.length, 5, 'Tết Âm lịch: 5 days');
    // The 5 days sit around mùng 1: the whole window, weekends included, spans at most 9 days.
    t.true(tetDays[0]! <= tet && tetDays[4]! >= tet, 'window contains mùng 1');
    t.true(addDays(tetDays[0]!, 8) >= tetDays[4]!, 'window is compact');
    t.not(cal.explain(tet), null, 'mùng 1 Tết is off');
    t.deepEqual(days(year, 'Giỗ Tổ Hùng Vương'), [gioTo]);
    t.deepEqual(days(year, 'Tết Dương lịch'), [`${year}-01-01`]);
    t.deepEqual(days(year, 'Ngày Chiến thắng'), [`${year}-04-30`]);
    t.deepEqual(days(year, 'Ngày Quốc tế Lao động'), [`${year}-05-01`]);
    t.deepEqual(days(year, 'Quốc khánh'), [`${year}-09-02`]);
    const adjacent = days(year, 'Quốc khánh (ngày liền kề)');
    t.is(adjacent.length, 1);
    t.true([`${year}-09-01`, `${year}-09-03`].includes(adjacent[0]!), 'second 2/9 day is adjacent');
  });
}

test('every off day in 2024–2030 is a weekday accounted for, and a year has 11+ weekday holidays', (t) => {
  for (const [year] of LUNAR) {
    let offWeekdays = 0;
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) {
      if (!isWeekend(d) && !cal.isWorkingDay(d)) offWeekdays++;
    }
    // Art. 112: 11 days (+ 24/11 from 2026 when on a weekday); make-up days and swaps add to that.
    t.true(offWeekdays >= 11 && offWeekdays <= 14, `${year}: ${offWeekdays}`);
  }
});
