import test from 'ava';
import {
  documentSubject,
  parseDocumentSubject,
  parseStatusSubject,
  statusSubject,
  stripReplyPrefixes,
  type DocumentSubject,
  type Urgency,
} from '../../../src/domain/outgoing/subject.js';

const buildCases: Array<[Urgency | undefined, string]> = [
  ['hoa-toc', '[HỎA TỐC] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['thuong-khan', '[THƯỢNG KHẨN] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['khan', '[KHẨN] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['normal', '[VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  [undefined, '[VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
];
for (const [urgency, expected] of buildCases) {
  test(`documentSubject ${urgency ?? '(default)'}`, (t) => {
    const s = documentSubject({
      numberNotation: '12/QĐ-UBND',
      date: '2019-05-15',
      summary: 'Về việc ban hành\r\n  quy chế'.normalize('NFD'),
      ...(urgency === undefined ? {} : { urgency }),
    });
    t.is(s, expected);
    t.is(s, s.normalize('NFC'));
    t.deepEqual(parseDocumentSubject(s), {
      urgency: urgency ?? 'normal',
      numberNotation: '12/QĐ-UBND',
      date: '2019-05-15',
      summary: 'Về việc ban hành quy chế',
    });
  });
}

const parseCases: Array<[string, DocumentSubject | null]> = [
  ['Re: TL: Fwd:  [KHẨN]   [VBĐT]  12/QĐ-UBND  ngày 5/5/2019 :  Về việc X',
    { urgency: 'khan', numberNotation: '12/QĐ-UBND', date: '2019-05-05', summary: 'Về việc X' }],
  ['Trả lời: [HOẢ TỐC] [VBĐT] 7/UBND-VP ngày 01/02/2026: Khẩn trương'.normalize('NFD'),
    { urgency: 'hoa-toc', numberNotation: '7/UBND-VP', date: '2026-02-01', summary: 'Khẩn trương' }],
  ['RE[2]: [vbđt] Số: 3/TB-SNV ngày 31/12/2025: Thông báo',
    { urgency: 'normal', numberNotation: '3/TB-SNV', date: '2025-12-31', summary: 'Thông báo' }],
  ['Chuyển tiếp: [VBDT] 3/TB-SNV ngày 31/12/2025', { urgency: 'normal', numberNotation: '3/TB-SNV', date: '2025-12-31', summary: '' }],
  ['[VBĐT] 12/QĐ-UBND ngày 30/02/2019: bad date', null],
  ['[MẬT] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: unknown tag', null],
  ['[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND', null],
  ['Công văn 12/QĐ-UBND ngày 15/05/2019', null],
  ['', null],
];
for (const [subject, expected] of parseCases) {
  test(`parseDocumentSubject ${JSON.stringify(subject)}`, (t) => t.deepEqual(parseDocumentSubject(subject), expected));
}

test('statusSubject and its parser', (t) => {
  const s = statusSubject({ code: '03', label: 'Đã tiếp nhận', numberNotation: '12/QĐ-UBND' });
  t.is(s, '[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND');
  t.deepEqual(parseStatusSubject(s), { code: '03', label: 'Đã tiếp nhận', numberNotation: '12/QĐ-UBND' });
});

const statusParse: Array<[string, ReturnType<typeof parseStatusSubject>]> = [
  ['Re: [VBĐT-TT]  02  Từ chối tiếp nhận :  5/SNV-VP'.normalize('NFD'), { code: '02', label: 'Từ chối tiếp nhận', numberNotation: '5/SNV-VP' }],
  ['AW: [vbdt-tt] 3 Đã tiếp nhận: (chưa rõ số, ký hiệu)', { code: '03', label: 'Đã tiếp nhận', numberNotation: '(chưa rõ số, ký hiệu)' }],
  ['[VBĐT] 12/QĐ-UBND ngày 15/05/2019: x', null],
  ['[VBĐT-TT] Đã tiếp nhận: 12/QĐ-UBND', null],
  ['[KHẨN] [VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND', null],
];
for (const [subject, expected] of statusParse) {
  test(`parseStatusSubject ${JSON.stringify(subject)}`, (t) => t.deepEqual(parseStatusSubject(subject), expected));
}

test('stripReplyPrefixes keeps words that only start like a prefix', (t) => {
  t.is(stripReplyPrefixes('Re: Fw: Tr: Report: x'), 'Report: x');
  t.is(stripReplyPrefixes('Trả lời:Re(3): Tiếp nhận'), 'Tiếp nhận');
  t.is(stripReplyPrefixes('Retry later'), 'Retry later');
});
