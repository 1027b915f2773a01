import test from 'ava';
import { readFileSync } from 'node:fs';
import { isBridgeError } from '../../../src/errors.js';
import { defaultCalendarPath, loadHolidayCalendar } from '../../../src/domain/calendar/index.js';

const cal = loadHolidayCalendar(readFileSync(defaultCalendarPath(), 'utf8'));

const dayCases: Array<[string, boolean, string | null]> = [
  // [date, working?, explanation]
  ['2026-02-13', true, null], // Friday before Tết 2026
  ['2026-02-14', false, 'Thứ Bảy'],
  ['2026-02-16', false, 'Tết Nguyên đán'],
  ['2026-02-17', false, 'Tết Nguyên đán'], // mùng 1 Tết Bính Ngọ (Tue)
  ['2026-02-20', false, 'Tết Nguyên đán'],
  ['2026-02-22', false, 'Chủ nhật'],
  ['2026-02-23', true, null], // first working day after Tết
  ['2026-04-26', false, 'Giỗ Tổ Hùng Vương'], // Sunday
  ['2026-04-27', false, 'Nghỉ bù Giỗ Tổ Hùng Vương (26/04)'], // Art. 111.3 make-up Monday
  ['2026-04-28', true, null],
  ['2026-04-30', false, 'Ngày Chiến thắng'], // Thu
  ['2026-05-01', false, 'Ngày Quốc tế Lao động'], // Fri
  ['2026-05-04', true, null],
  ['2026-09-02', false, 'Quốc khánh'],
  ['2026-11-24', false, 'Ngày Văn hóa Việt Nam'], // [unverified] new holiday
  ['2025-04-26', true, null], // Saturday worked (6150/TB-BLĐTBXH swap)
  ['2025-05-02', false, 'Nghỉ hoán đổi dịp 30/4 (làm bù thứ Bảy 26/04/2025)'],
  ['2025-01-29', false, 'Tết Nguyên đán'],
  ['2024-05-04', true, null], // Saturday worked in 2024
  ['2024-04-29', false, 'Nghỉ hoán đổi dịp 30/4 (làm bù thứ Bảy 04/05/2024)'],
  ['2028-01-03', false, 'Nghỉ bù Tết Dương lịch (01/01)'], // 1/1/2028 is a Saturday
  ['2028-05-02', false, 'Nghỉ bù Ngày Chiến thắng (30/04)'], // Sun 30/4, Mon 1/5 holiday → Tue
  ['2029-09-04', false, 'Nghỉ bù Quốc khánh (02/09)'],
  ['2029-11-26', true, null], // 24/11/2029 is Saturday: no make-up (makeUp: false)
  ['2031-01-01', false, 'Tết Dương lịch'], // outside the table: fixed solar holidays still known
  ['2031-01-02', true, null],
];

for (const [date, working, why] of dayCases) {
  test(`isWorkingDay ${date} = ${working}`, (t) => {
    t.is(cal.isWorkingDay(date), working);
    t.is(cal.explain(date), why);
  });
}

const nextCases: Array<[string, string]> = [
  ['2026-02-13', '2026-02-23'], // over Tết
  ['2026-04-24', '2026-04-28'], // Fri → over Giỗ Tổ make-up Monday
  ['2026-04-29', '2026-05-04'], // Wed → over 30/4–1/5
  ['2025-04-25', '2025-04-26'], // Fri → the worked Saturday
  ['2026-12-31', '2027-01-04'], // year boundary: Thu 31/12 → Fri 1/1 off → Mon 4/1
  ['2026-08-31', '2026-09-03'],
];
for (const [from, expected] of nextCases) {
  test(`nextWorkingDay ${from} → ${expected}`, (t) => t.is(cal.nextWorkingDay(from), expected));
}

const addCases: Array<[string, number, string]> = [
  ['2026-02-12', 2, '2026-02-23'],
  ['2026-02-23', -1, '2026-02-13'],
  ['2026-02-14', 0, '2026-02-14'],
  ['2026-12-30', 3, '2027-01-05'],
];
for (const [from, n, expected] of addCases) {
  test(`addWorkingDays ${from} + ${n} → ${expected}`, (t) => {
    t.is(cal.addWorkingDays(from, n), expected);
    t.is(cal.workingDaysBetween(from, expected), n);
  });
}

test('addWorkingDays across Giỗ Tổ and 30/4–1/5 2026', (t) => {
  // 24/4 Fri; 27/4 make-up; 28, 29 working; 30/4, 1/5 off; 4, 5, 6 working.
  t.is(cal.addWorkingDays('2026-04-24', 5), '2026-05-06');
  t.is(cal.workingDaysBetween('2026-05-06', '2026-04-24'), -5);
});

test('covers and years', (t) => {
  t.deepEqual(cal.years, [2024, 2025, 2026, 2027, 2028, 2029, 2030]);
  t.true(cal.covers('2030-12-31'));
  t.false(cal.covers('2031-01-01'));
});

test('bad dates are caller bugs', (t) => {
  const err = t.throws(() => cal.isWorkingDay('2026-02-30'));
  t.true(isBridgeError(err, 'INTERNAL'));
});

const badYaml: Array<[string, string, RegExp]> = [
  ['not yaml', 'years: [', /not valid YAML/],
  ['missing years', 'foo: 1', /^holidays\.years: Required$/],
  ['bad date', 'years:\n  2026:\n    basis: official\n    source: x\n    holidays:\n      - { date: 2026-02-30, name: X }\n', /holidays\.years\.2026\.holidays\.0\.date: expected a real date/],
  ['bad basis', 'years:\n  2026:\n    basis: maybe\n    source: x\n    holidays: []\n', /holidays\.years\.2026\.basis/],
  ['unknown key', 'years:\n  2026:\n    basis: official\n    source: x\n    holidays: []\n    extra: 1\n', /holidays\.years\.2026: Unrecognized key/],
  ['wrong year', 'years:\n  2026:\n    basis: official\n    source: x\n    holidays:\n      - { date: 2025-01-01, name: X }\n', /holidays\.years\.2026\.holidays\.0: 2025-01-01 is not in 2026/],
  ['weekday worked', 'years:\n  2026:\n    basis: official\n    source: x\n    holidays: []\n    workingSaturdays:\n      - { date: 2026-01-05, name: X }\n', /workingSaturdays\.0: 2026-01-05 is not a Saturday/],
  ['duplicate', 'years:\n  2026:\n    basis: official\n    source: x\n    holidays:\n      - { date: 2026-01-01, name: X }\n      - { date: 2026-01-01, name: Y }\n', /listed twice/],
];
for (const [title, yaml, message] of badYaml) {
  test(`loader rejects ${title}`, (t) => {
    const err = t.throws(() => loadHolidayCalendar(yaml));
    t.true(isBridgeError(err, 'CONFIG_INVALID'));
    t.regex(err!.message, message);
  });
}

test('make-up days skip listed days and worked Saturdays', (t) => {
  const c = loadHolidayCalendar(
    'years:\n  2027:\n    basis: default\n    source: test\n    holidays:\n      - { date: 2027-02-05, to: 2027-02-09, name: Tết }\n',
  );
  t.is(c.explain('2027-02-10'), 'Nghỉ bù Tết (06/02)');
  t.is(c.explain('2027-02-11'), 'Nghỉ bù Tết (07/02)');
  t.true(c.isWorkingDay('2027-02-12'));
});
