import test from 'ava';
import { abbreviationForType, DOCUMENT_TYPES, typeFromAbbreviation, typeFromName } from '../../../src/domain/document/types.js';

test('NĐ 30 App. III: 27 abbreviations plus công văn and thư công without one', t => {
  const admin = DOCUMENT_TYPES.filter(d => d.kind === 'administrative' && d.name !== 'Giấy chứng nhận');
  t.is(admin.length, 29);
  t.deepEqual(admin.filter(d => d.abbreviation === null).map(d => d.name), ['Công văn', 'Thư công']);
});

const abbr: Array<[string, string | null]> = [
  ['QĐ', 'Quyết định'], ['QyĐ', 'Quy định'], ['QYĐ', 'Quy định'], ['CTr', 'Chương trình'], ['CTR', 'Chương trình'],
  ['CT', 'Chỉ thị'], ['TTr', 'Tờ trình'], ['TTR', 'Tờ trình'], ['BGN', 'Bản ghi nhớ'], ['GN', 'Bản ghi nhớ'],
  ['BTT', 'Bản thỏa thuận'], ['TTh', 'Bản thỏa thuận'], ['GNP', 'Giấy nghỉ phép'], ['NP', 'Giấy nghỉ phép'],
  ['UQ', 'Giấy ủy quyền'], ['GT', 'Giấy giới thiệu'], ['CN', 'Giấy chứng nhận'], ['TrS', 'Bản trích sao'], ['ĐA', 'Đề án'], ['DA', 'Dự án'],
  ['UBND', null], ['BNV', null],
];
for (const [a, name] of abbr) {
  test(`abbreviation ${a} → ${name}`, t => t.is(typeFromAbbreviation(a)?.name ?? null, name));
}

const names: Array<[string, string | null, string | null]> = [
  ['QUYẾT ĐỊNH', 'Quyết định', 'QĐ'],
  ['Quy định', 'Quy định', 'QyĐ'],
  ['Giấy uỷ quyền', 'Giấy ủy quyền', 'GUQ'],
  ['BẢN THOẢ THUẬN', 'Bản thỏa thuận', 'BTT'],
  ['Công văn', 'Công văn', null],
  ['THƯ CÔNG', 'Thư công', null],
  ['Đề án', 'Đề án', 'ĐA'],
  ['Dự án', 'Dự án', 'DA'],
  ['Quyết', null, null],
];
for (const [n, name, ab] of names) {
  test(`type name ${n}`, t => {
    t.is(typeFromName(n)?.name ?? null, name);
    t.is(abbreviationForType(n), ab);
  });
}
