import test from 'ava';
import { urgencyFromMark, urgencyFromPriority, urgencyFromText, URGENCY_PRIORITY } from '../../../src/domain/document/urgency.js';
import { secrecyFromMark, secrecyFromText } from '../../../src/domain/document/secrecy.js';

const urgencyMarks: Array<[string, string | null]> = [
  ['HỎA TỐC', 'hoa-toc'], ['HOẢ TỐC', 'hoa-toc'], ['Hỏa tốc', 'hoa-toc'], ['HỎA TỐC HẸN GIỜ', 'hoa-toc'], ['[HỎA TỐC]', 'hoa-toc'],
  ['THƯỢNG KHẨN', 'thuong-khan'], ['KHẨN', 'khan'], ['Khẩn', 'khan'], ['Độ khẩn: Khẩn', 'khan'], ['KHẨN'.normalize('NFD'), 'khan'],
  ['khẩn trương', null], ['KHÁN', null], ['', null],
];
for (const [m, u] of urgencyMarks) test(`urgency mark ${JSON.stringify(m)}`, t => t.is<string | null, string | null>(urgencyFromMark(m), u));

test('urgency from text takes stamp lines only, the highest wins', t => {
  t.is(urgencyFromText('Số: 12/QĐ-UBND\nKHẨN\nHỎA TỐC\nnội dung'), 'hoa-toc');
  t.is(urgencyFromText('Các sở khẩn trương triển khai.\nĐề nghị xử lý khẩn.'), null);
});

test('edXML Priority 0–4', t => {
  t.deepEqual([0, 1, 2, 3, 4, '3', 9, null, ''].map(p => urgencyFromPriority(p)), ['normal', 'khan', 'thuong-khan', 'hoa-toc', 'hoa-toc', 'hoa-toc', null, null, null]);
  t.is(URGENCY_PRIORITY['thuong-khan'], 2);
});

const secrecyMarks: Array<[string, string | null]> = [
  ['MẬT', 'mat'], ['Mật', 'mat'], ['mật', 'mat'], ['[MẬT]', 'mat'], ['TỐI MẬT', 'toi-mat'], ['TUYỆT MẬT', 'tuyet-mat'],
  ['Độ mật: Tối mật', 'toi-mat'], ['TUYỆT MẬT'.normalize('NFD'), 'tuyet-mat'], ['MẤT', null], ['BÍ MẬT', null], ['mật khẩu', null], ['MẬT MÃ', null],
];
for (const [m, s] of secrecyMarks) test(`secrecy mark ${JSON.stringify(m)}`, t => t.is<string | null, string | null>(secrecyFromMark(m), s));

test('secrecy from text: a stamp line, never a word inside a sentence or a title', t => {
  t.is(secrecyFromText('CÔNG AN TỈNH\nSố: 20/BC-CAT\nMẬT\nBÁO CÁO'), 'mat');
  t.is(secrecyFromText('LUẬT BẢO VỆ BÍ MẬT NHÀ NƯỚC\nĐề nghị giữ bí mật.\nmật khẩu: 123'), null);
  t.is(secrecyFromText('MẬT\nTUYỆT MẬT'), 'tuyet-mat');
});
