import test from 'ava';
import { formatNumberNotation, parseNumberNotation, padNumber } from '../../../src/domain/document/number-notation.js';

const parsed: Array<[string, { numberNotation: string; number: string; notation: string; year: number | null; type: string | null; issuerGroups: string[] } | null]> = [
  ['12/QĐ-UBND', { numberNotation: '12/QĐ-UBND', number: '12', notation: 'QĐ-UBND', year: null, type: 'Quyết định', issuerGroups: ['UBND'] }],
  ['07/2019/QĐ-UBND', { numberNotation: '07/2019/QĐ-UBND', number: '07', notation: '2019/QĐ-UBND', year: 2019, type: 'Quyết định', issuerGroups: ['UBND'] }],
  ['05/BNV-VP', { numberNotation: '05/BNV-VP', number: '05', notation: 'BNV-VP', year: null, type: null, issuerGroups: ['BNV', 'VP'] }],
  ['5/BNV-VP', { numberNotation: '05/BNV-VP', number: '05', notation: 'BNV-VP', year: null, type: null, issuerGroups: ['BNV', 'VP'] }],
  ['348/TTR-SNV', { numberNotation: '348/TTr-SNV', number: '348', notation: 'TTr-SNV', year: null, type: 'Tờ trình', issuerGroups: ['SNV'] }],
  ['1/QYĐ-UBND', { numberNotation: '01/QyĐ-UBND', number: '01', notation: 'QyĐ-UBND', year: null, type: 'Quy định', issuerGroups: ['UBND'] }],
  ['3/CTr-UBND', { numberNotation: '03/CTr-UBND', number: '03', notation: 'CTr-UBND', year: null, type: 'Chương trình', issuerGroups: ['UBND'] }],
  ['10/CT-UBND', { numberNotation: '10/CT-UBND', number: '10', notation: 'CT-UBND', year: null, type: 'Chỉ thị', issuerGroups: ['UBND'] }],
  ['2/GN-UBND', { numberNotation: '02/GN-UBND', number: '02', notation: 'GN-UBND', year: null, type: 'Bản ghi nhớ', issuerGroups: ['UBND'] }],
  ['4/BGN-UBND', { numberNotation: '04/BGN-UBND', number: '04', notation: 'BGN-UBND', year: null, type: 'Bản ghi nhớ', issuerGroups: ['UBND'] }],
  ['8/GNP-VP', { numberNotation: '08/GNP-VP', number: '08', notation: 'GNP-VP', year: null, type: 'Giấy nghỉ phép', issuerGroups: ['VP'] }],
  ['30/2020/NĐ-CP', { numberNotation: '30/2020/NĐ-CP', number: '30', notation: '2020/NĐ-CP', year: 2020, type: 'Nghị định', issuerGroups: ['CP'] }],
  [' 12 / QĐ - UBND. ', { numberNotation: '12/QĐ-UBND', number: '12', notation: 'QĐ-UBND', year: null, type: 'Quyết định', issuerGroups: ['UBND'] }],
  // NFD input is normalised (Đ is its own letter, but "Ộ" decomposes).
  ['12/QĐ-ỦBT'.normalize('NFD'), { numberNotation: '12/QĐ-ỦBT', number: '12', notation: 'QĐ-ỦBT', year: null, type: 'Quyết định', issuerGroups: ['ỦBT'] }],
  ['QĐ-UBND', null],
  ['12/', null],
  ['abc/QĐ-UBND', null],
  ['12 QĐ UBND', null],
];

for (const [input, expected] of parsed) {
  test(`parseNumberNotation(${JSON.stringify(input)}) ${input === input.normalize('NFC') ? 'NFC' : 'NFD'}`, t => {
    const r = parseNumberNotation(input);
    if (expected === null) return t.is(r, null);
    t.truthy(r);
    t.deepEqual({ ...r!, type: r!.type?.name ?? null }, expected);
  });
}

test('format pads numbers below 10 and keeps the notation as given', t => {
  t.is(formatNumberNotation(5, 'BNV-VP'), '05/BNV-VP');
  t.is(formatNumberNotation('12', 'QĐ-UBND'), '12/QĐ-UBND');
  t.is(formatNumberNotation(7, 'QĐ-UBND', 2019), '07/2019/QĐ-UBND');
  t.is(padNumber('0'), '00');
  t.is(padNumber('100'), '100');
});
