import test from 'ava';
import {
  formatDateWords, formatDmy, formatEdxmlDate, formatEdxmlTimestamp, parseDateLine, parseEdxmlDate, parseEdxmlTimestamp, parseVietnameseDate,
} from '../../../src/domain/document/dates.js';

const vn: Array<[string, string | null]> = [
  ['Vĩnh Long, ngày 15 tháng 5 năm 2019', '2019-05-15'],
  ['ngày 05 tháng 01 năm 2020', '2020-01-05'],
  ['Hà Nội, ngày  2 tháng  02  năm 2021', '2021-02-02'],
  ['NGÀY 15 THÁNG 5 NĂM 2019', '2019-05-15'],
  ['ngày 15 tháng 5 năm 2019'.normalize('NFD'), '2019-05-15'],
  ['15/5/2019', '2019-05-15'],
  ['gửi trước 03-07-2019 nhé', '2019-07-03'],
  ['ngày 31 tháng 2 năm 2019', null],
  ['32/01/2019', null],
  ['không có ngày', null],
];
for (const [s, d] of vn) test(`parseVietnameseDate ${JSON.stringify(s)}`, t => t.is(parseVietnameseDate(s), d));

test('date line gives the place', t => {
  t.deepEqual(parseDateLine('Vĩnh Long, ngày 15 tháng 5 năm 2019'), { place: 'Vĩnh Long', date: '2019-05-15' });
  t.deepEqual(parseDateLine('ngày 15 tháng 5 năm 2019'), { place: null, date: '2019-05-15' });
});

const ed: Array<[string | undefined, string | null]> = [
  ['2019/05/15', '2019-05-15'], ['15/05/2019', '2019-05-15'], ['2019-05-15', '2019-05-15'], ['2019/05/15 09:30:00', '2019-05-15'],
  ['15/05/2019 10:02:11', '2019-05-15'], ['2019/13/01', null], ['', null], [undefined, null], ['garbage', null],
];
for (const [s, d] of ed) test(`parseEdxmlDate ${JSON.stringify(s)}`, t => t.is(parseEdxmlDate(s), d));

test('edXML timestamps are Vietnam time', t => {
  t.is(parseEdxmlTimestamp('2019/05/15 09:30:00'), '2019-05-15T09:30:00+07:00');
  t.is(parseEdxmlTimestamp('15/05/2019 10:02:11'), '2019-05-15T10:02:11+07:00');
  t.is(parseEdxmlTimestamp('2019-05-15T02:30:00Z'), '2019-05-15T02:30:00+00:00');
  t.is(parseEdxmlTimestamp('2019/05/15 25:00:00'), null);
  t.is(formatEdxmlTimestamp('2019-05-15T17:30:00Z'), '2019/05/16 00:30:00');
});

test('formatting', t => {
  t.is(formatDmy('2019-05-15'), '15/05/2019');
  t.is(formatEdxmlDate('2019-05-15'), '2019/05/15');
  t.is(formatDateWords('2020-01-05'), 'ngày 05 tháng 01 năm 2020');
  t.is(formatDateWords('2019-05-15'), 'ngày 15 tháng 5 năm 2019');
});
