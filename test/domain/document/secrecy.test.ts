import test from 'ava';
import { secrecyFromMark, secrecyFromSubject, secrecyFromText, type Secrecy } from '../../../src/domain/document/secrecy.js';

const nfd = (s: string): string => s.normalize('NFD');

/** Subjects: [subject, expected]. The rule is in src/domain/document/secrecy.ts. */
const SUBJECTS: Array<[string, Secrecy | null]> = [
  // Positives: bracketed stamps anywhere, parts between separators, "Độ mật:", NFC/NFD, case, no diacritics.
  ['[MẬT] Công văn số 12/UBND-VP về việc kiểm tra', 'mat'],
  ['Công văn số 12/UBND-VP về việc kiểm tra [MẬT]', 'mat'],
  ['Công văn số 12/UBND-VP (Tối mật)', 'toi-mat'],
  ['TUYỆT MẬT - Báo cáo số 20/BC-CAT', 'tuyet-mat'],
  ['Báo cáo số 20/BC-CAT – Tối Mật', 'toi-mat'],
  ['MẬT: Kế hoạch số 5/KH-UBND', 'mat'],
  ['Độ mật: Tối mật - Báo cáo tình hình', 'toi-mat'],
  ['Báo cáo tình hình, độ mật: mật', 'mat'],
  ['Re: Fwd: [TỐI MẬT] Kế hoạch', 'toi-mat'],
  [nfd('[TUYỆT MẬT] Kế hoạch'), 'tuyet-mat'],
  [nfd('Kế hoạch 5/KH-UBND - MẬT'), 'mat'],
  ['[TOI MAT] Ke hoach so 5/KH-UBND', 'toi-mat'],
  ['MAT - Cong van so 12', 'mat'],
  ['{Mật} Quyết định 12/QĐ-UBND', 'mat'],
  ['[MẬT][KHẨN] Công văn', 'mat'],
  ['*MẬT* Công văn', 'mat'],
  // Negatives: words of a sentence, passwords, state-secret titles, "mất", English "mat".
  ['Đổi mật khẩu hộp thư công vụ', null],
  ['V/v triển khai Luật Bảo vệ bí mật nhà nước', null],
  ['Báo cáo công tác bảo vệ bí mật nhà nước năm 2024', null],
  ['Thông báo mật độ dân số', null],
  ['Tài liệu mật gửi kèm', null],
  ['Mất giấy tờ - đề nghị cấp lại', null],
  ['[MẤT] giấy tờ', null],
  ['Yoga mat order', null],
  ['Re: Mat', null],
  ['Giữ bí mật: không chuyển tiếp', null],
  ['MẬT KHẨU MỚI: 123456', null],
  ['[Mật ong] Hội chợ', null],
];

for (const [subject, want] of SUBJECTS) {
  test(`subject ${JSON.stringify(subject)} → ${want}`, t => t.is(secrecyFromSubject(subject), want));
}

/** Bodies and PDF text: a line that is a stamp. */
const TEXTS: Array<[string, Secrecy | null]> = [
  ['Kính gửi Sở Y tế,\nMẬT\nĐề nghị ...', 'mat'],
  ['Kính gửi Sở Y tế,\nĐộ mật: Tuyệt mật\n', 'tuyet-mat'],
  [nfd('Kính gửi\n[TỐI MẬT]\n'), 'toi-mat'],
  ['Kính gửi\nTOI MAT\n', 'toi-mat'],
  ['Đề nghị giữ bí mật.\nmật khẩu: 123', null],
  ['Mật độ xây dựng tăng.\nLuật Bảo vệ bí mật nhà nước', null],
  ['Hồ sơ bị mất\nMẤT\n', null],
];

for (const [text, want] of TEXTS) {
  test(`text ${JSON.stringify(text.slice(0, 40))} → ${want}`, t => t.is(secrecyFromText(text), want));
}

test('marks: the label and brackets are trimmed, anything else is no mark', t => {
  t.is(secrecyFromMark('Độ mật: Mật'), 'mat');
  t.is(secrecyFromMark('DO MAT: TUYET MAT'), 'tuyet-mat');
  t.is(secrecyFromMark('(TỐI MẬT)'), 'toi-mat');
  t.is(secrecyFromMark('Bí mật'), null);
  t.is(secrecyFromMark('mat'), null);
});
