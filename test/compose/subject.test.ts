import test from 'ava';
import { documentSubject, statusSubject } from '../../src/compose/subject.js';
import type { Urgency } from '../../src/domain/document/urgency.js';
import { parseSubject } from '../../src/mail/subject.js';

const buildCases: Array<[Urgency | undefined, string]> = [
  ['hoa-toc', '[HỎA TỐC] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['thuong-khan', '[THƯỢNG KHẨN] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['khan', '[KHẨN] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  ['normal', '[VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
  [undefined, '[VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ban hành quy chế'],
];
for (const [urgency, expected] of buildCases) {
  test(`documentSubject ${urgency ?? '(default)'} is read back by the one subject parser`, (t) => {
    const s = documentSubject({
      numberNotation: '12/QĐ-UBND',
      date: '2019-05-15',
      summary: 'Về việc ban hành\r\n  quy chế'.normalize('NFD'),
      ...(urgency === undefined ? {} : { urgency }),
    });
    t.is(s, expected);
    t.is(s, s.normalize('NFC'));
    const back = parseSubject(s);
    t.deepEqual(
      { ours: back.ours, urgency: back.urgency, numberNotation: back.numberNotation, date: back.date, summary: back.summary },
      { ours: 'document', urgency: urgency === undefined || urgency === 'normal' ? null : urgency, numberNotation: '12/QĐ-UBND', date: '2019-05-15', summary: 'Về việc ban hành quy chế' },
    );
  });
}

test('statusSubject is read back by the one subject parser', (t) => {
  const s = statusSubject({ code: '03', label: 'Đã tiếp nhận', numberNotation: '12/QĐ-UBND' });
  t.is(s, '[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND');
  const back = parseSubject(s);
  t.deepEqual({ ours: back.ours, statusCode: back.statusCode, numberNotation: back.numberNotation }, { ours: 'status', statusCode: '03', numberNotation: '12/QĐ-UBND' });
});

test('subjects never carry a line break (header injection)', (t) => {
  t.notRegex(documentSubject({ numberNotation: '1/X\r\nBcc: a@b', date: '2026-01-02', summary: 'a\nb' }), /[\r\n]/);
  t.notRegex(statusSubject({ code: '03\n', label: 'x\r\n', numberNotation: 'y' }), /[\r\n]/);
});
