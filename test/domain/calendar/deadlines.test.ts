import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  defaultCalendarPath,
  loadHolidayCalendar,
  localDateTime,
  processingDueDate,
  receiptDeadline,
  sendDeadline,
  sendTarget,
  toLocalDate,
} from '../../../src/domain/calendar/index.js';

const cal = loadHolidayCalendar(readFileSync(defaultCalendarPath(), 'utf8'));
/** An instant from a Vietnam wall-clock time. */
const vn = (s: string): Date => new Date(`${s}:00+07:00`);

test('toLocalDate and localDateTime use UTC+7', (t) => {
  const i = new Date('2026-12-31T17:30:00Z'); // 00:30 on 1/1/2027 in Vietnam
  t.is(toLocalDate(i), '2027-01-01');
  t.deepEqual(localDateTime(i), { date: '2027-01-01', minutes: 30 });
  t.deepEqual(localDateTime(new Date('2026-02-13T16:59:00Z')), { date: '2026-02-13', minutes: 23 * 60 + 59 });
});

const sendCases: Array<[string, string, string]> = [
  // [title, signed at (VN), deadline (VN)]
  ['Friday 17:00 → Monday cut-off', '2026-11-20T17:00', '2026-11-23T11:30'],
  ['Friday 10:00 → Monday cut-off (Art. 18.1: next working day at the latest)', '2026-11-20T10:00', '2026-11-23T11:30'],
  ['Tuesday 09:00 → Wednesday cut-off', '2026-11-17T09:00', '2026-11-18T11:30'],
  ['Saturday → Monday cut-off', '2026-11-21T08:00', '2026-11-23T11:30'],
  ['Sunday 23:59 → Monday cut-off', '2026-11-22T23:59', '2026-11-23T11:30'],
  ['Friday 13/02/2026 after hours → after Tết', '2026-02-13T18:45', '2026-02-23T11:30'],
  ['signed during Tết (mùng 1) → after Tết', '2026-02-17T10:00', '2026-02-23T11:30'],
  ['Friday 24/04/2026 → skips Giỗ Tổ make-up Monday 27/04', '2026-04-24T16:00', '2026-04-28T11:30'],
  ['Wednesday 29/04/2026 → skips 30/4 Thu and 1/5 Fri', '2026-04-29T15:00', '2026-05-04T11:30'],
  ['Monday 31/08/2026 → skips 1/9 and 2/9', '2026-08-31T16:00', '2026-09-03T11:30'],
  ['Tuesday 01/09/2025 → 2/9 off → Wednesday', '2025-09-01T09:00', '2025-09-03T11:30'],
  ['Friday 25/04/2025 → the Saturday worked 26/04', '2025-04-25T17:30', '2025-04-26T11:30'],
  ['year boundary: Thu 31/12/2026 → skips 1/1 → Mon 4/1/2027', '2026-12-31T17:00', '2027-01-04T11:30'],
  ['Monday 23/11/2026 → skips 24/11 [unverified] holiday', '2026-11-23T10:00', '2026-11-25T11:30'],
];
for (const [title, signed, due] of sendCases) {
  test(`sendDeadline: ${title}`, (t) => {
    t.is(sendDeadline(vn(signed), cal).toISOString(), vn(due).toISOString());
  });
}

test('sendDeadline honours a configured cut-off; sendTarget is the same day in hours', (t) => {
  t.is(sendDeadline(vn('2026-11-20T17:00'), cal, '09:00').toISOString(), vn('2026-11-23T09:00').toISOString());
  t.is(sendTarget(vn('2026-11-20T10:00'), cal).toISOString(), vn('2026-11-20T17:00').toISOString());
  t.is(sendTarget(vn('2026-11-20T17:00'), cal).toISOString(), vn('2026-11-23T11:30').toISOString());
  t.is(sendTarget(vn('2026-11-21T10:00'), cal, '10:00', '16:30').toISOString(), vn('2026-11-23T10:00').toISOString());
  t.throws(() => sendDeadline(vn('2026-11-20T17:00'), cal, '25:00'), { message: /HH:MM/ });
});

const receiptCases: Array<[string, string, string]> = [
  ['working day in hours → same day end', '2026-11-20T09:00', '2026-11-20T17:00'],
  ['after hours Friday → Monday end', '2026-11-20T17:01', '2026-11-23T17:00'],
  ['Saturday → Monday end', '2026-11-21T09:00', '2026-11-23T17:00'],
  ['during Tết → first working day after Tết', '2026-02-18T09:00', '2026-02-23T17:00'],
  ['on the Giỗ Tổ make-up day → Tuesday', '2026-04-27T09:00', '2026-04-28T17:00'],
  ['New Year Eve night → after 1/1', '2026-12-31T22:00', '2027-01-04T17:00'],
];
for (const [title, arrived, due] of receiptCases) {
  test(`receiptDeadline: ${title}`, (t) => {
    t.is(receiptDeadline(vn(arrived), cal).toISOString(), vn(due).toISOString());
  });
}

test('processingDueDate counts working days after the start', (t) => {
  t.is(processingDueDate('2026-02-12', 3, cal), '2026-02-24');
  t.is(processingDueDate(vn('2026-04-29T10:00'), 2, cal), '2026-05-05');
  t.is(processingDueDate(vn('2026-08-28T23:30'), 1, cal), '2026-08-31');
});
