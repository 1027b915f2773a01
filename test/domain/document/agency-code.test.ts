import test from 'ava';
import { agencyCodeFormat, isAgencyCode } from '../../../src/domain/document/agency-code.js';

const cases: Array<[string, 'qcvn102' | 'qd20' | null]> = [
  ['000.00.31.H62', 'qcvn102'],
  ['000.00.00.G09', 'qcvn102'],
  ['H55.242', 'qd20'],
  ['H62.31.05', 'qd20'],
  ['A'.repeat(35), 'qd20'],
  ['A'.repeat(36), null],
  ['000.00.31.h62', null],
  ['000..31.H62', null],
  ['.H62', null],
  ['H62.', null],
  ['Sở Nội vụ', null],
  ['', null],
];

for (const [code, format] of cases) {
  test(`agency code ${JSON.stringify(code)} → ${format}`, t => {
    t.is(agencyCodeFormat(code), format);
    t.is(isAgencyCode(code), format !== null);
  });
}
