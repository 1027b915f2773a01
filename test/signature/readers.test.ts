import test from 'ava';
import { readDer, oid, time, DerError } from '../../src/signature/der.js';
import { oidDer, int, timeDer, seq, setOf, tlv } from '../../src/signature/der-write.js';
import { Lexer, PdfDict, PdfName, PdfRef, PdfString, textOf } from '../../src/signature/pdf-lexer.js';
import { pdfDate } from '../../src/signature/signature-check.js';
import { REASONS, WARNINGS, verdictOf } from '../../src/signature/reasons.js';
import { vnDateLine, stampLines } from '../../src/signature/seal/stamp.js';
import { formatViTime } from '../../src/signature/summary-vi.js';

for (const o of ['1.2.840.113549.1.9.16.2.47', '2.5.29.15', '0.4.0.127.0.7.1.1.4.1.3', '2.16.840.1.101.3.4.2.1']) {
  test(`OID round trip ${o}`, t => t.is(oid(readDer(oidDer(o))), o));
}

const times: Array<[string, Date]> = [
  ['1999-12-31T23:59:59Z', new Date('1999-12-31T23:59:59Z')],
  ['2049-06-01T00:00:00Z', new Date('2049-06-01T00:00:00Z')],
  ['2050-01-01T00:00:00Z', new Date('2050-01-01T00:00:00Z')],
];
for (const [label, dt] of times) test(`UTCTime/GeneralizedTime round trip ${label}`, t => t.deepEqual(time(readDer(timeDer(dt))), dt));

test('DER reader: lengths beyond the buffer and deep nesting are errors, not crashes', t => {
  t.throws(() => readDer(Buffer.from('3005020101', 'hex')), { instanceOf: DerError });
  t.throws(() => readDer(Buffer.from('30', 'hex')), { instanceOf: DerError });
  let deep = int(1);
  for (let i = 0; i < 80; i++) deep = seq(deep);
  t.throws(() => readDer(deep), { instanceOf: DerError });
  t.is(readDer(Buffer.concat([seq(int(5)), Buffer.alloc(10)])).end, 5);
});

test('DER reader: BER indefinite lengths are read', t => {
  const n = readDer(Buffer.from('3080020101020102' + '0000', 'hex'));
  t.is(n.children.length, 2);
  t.is(n.end, 10);
});

test('setOf sorts its elements (X.690 §11.6)', t => {
  const s = readDer(setOf(tlv(0x04, Buffer.from('b')), tlv(0x04, Buffer.from('a'))));
  t.deepEqual(s.children.map(c => c.buf[c.contentStart]), [0x61, 0x62]);
});

test('PDF lexer: dictionaries, refs, names with #xx, strings with escapes, hex strings', t => {
  const src = Buffer.from('<< /Type /Sig /A#20B 12 0 R /N -3.5 /S (a\\(b\\)\\101\\\nc) /H <FEFF00 5300F3> /Arr [1 2 3 0 R true null] >>');
  const d = new Lexer(src).value() as PdfDict;
  t.true(d instanceof PdfDict);
  t.is((d.get('Type') as PdfName).name, 'Sig');
  t.deepEqual(d.get('A B'), new PdfRef(12, 0));
  t.is(d.get('N'), -3.5);
  t.is((d.get('S') as PdfString).bytes.toString('latin1'), 'a(b)Ac');
  t.is(textOf(d.get('H')), 'Só');
  const arr = d.get('Arr') as unknown[];
  t.deepEqual(arr.slice(0, 2), [1, 2]);
  t.deepEqual(arr[2], new PdfRef(3, 0));
  t.deepEqual(arr.slice(3), [true, null]);
});

test('PDF lexer: garbage throws a syntax error', t => {
  t.throws(() => new Lexer(Buffer.from('<< /A >>')).value());
  t.throws(() => new Lexer(Buffer.from('<< /A (unterminated')).value());
  t.throws(() => new Lexer(Buffer.from('}')).value());
});

const dates: Array<[string, string | null]> = [
  ["D:20260601100000+07'00'", '2026-06-01T03:00:00.000Z'],
  ['D:20260601030000Z', '2026-06-01T03:00:00.000Z'],
  ['D:2026', '2026-01-01T00:00:00.000Z'],
  ['2026', null],
];
for (const [s, iso] of dates) test(`PDF date ${s}`, t => t.is(pdfDate(s)?.toISOString() ?? null, iso));

test('every reason and warning has an NFC Vietnamese text; verdictOf takes the worst', t => {
  for (const r of Object.values(REASONS)) t.true(r.vi === r.vi.normalize('NFC'));
  for (const w of Object.values(WARNINGS)) t.true(w === w.normalize('NFC'));
  t.is(verdictOf([]), 'valid');
  t.is(verdictOf(['TRY_LATER', 'HASH_FAILURE']), 'invalid');
  t.is(verdictOf(['OUT_OF_BOUNDS_NO_POE']), 'indeterminate');
});

test('Decree 30 date line: leading zero for days < 10 and months 1–2, Vietnam time zone', t => {
  t.is(vnDateLine(new Date('2026-02-04T18:00:00Z'), 'Hà Nội'), 'Hà Nội, ngày 05 tháng 02 năm 2026');
  t.is(vnDateLine(new Date('2026-11-20T03:00:00Z')), 'ngày 20 tháng 11 năm 2026');
  t.deepEqual(stampLines({ numberNotation: '12/QĐ-UBND', date: new Date('2026-06-01T03:00:00Z'), kind: 'attachment' }),
    ['Số và ký hiệu văn bản: 12/QĐ-UBND; thời gian ký: 2026-06-01T10:00:00+07:00']);
  t.is(formatViTime('2026-06-01T17:30:00Z'), '02/06/2026 00:30');
});
