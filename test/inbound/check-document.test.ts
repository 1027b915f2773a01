import test from 'ava';
import type { HostedAgency } from '../../src/config/schema.js';
import { decideDocument, type DocumentFacts } from '../../src/inbound/check-document.js';
import type { PdfCheck } from '../../src/inbound/pdf-check.js';

const check = (verdict: PdfCheck['verdict'], summaryVi = ''): PdfCheck => ({ pages: 1, signaturesFound: verdict === 'unsigned' ? 0 : 1, verdict, reasons: [], summaryVi, report: null });
const facts = (over: Partial<DocumentFacts> = {}): DocumentFacts => ({ secrecy: null, pdfs: [{ name: 'vb.pdf', check: check('valid') }], otherAttachments: [], manifestProblems: [], wrongRecipient: false, ...over });
const policy: HostedAgency['policy'] = { unsigned: 'reference', indeterminate: 'warn', wrongRecipient: 'warn' };

const CASES: Array<[string, Partial<DocumentFacts>, Partial<typeof policy>, string, string?]> = [
  ['valid signatures → legal', {}, {}, 'register:legal:registered'],
  ['secrecy mark → refused', { secrecy: 'toi-mat' }, {}, 'refuse:SECRET_DOCUMENT'],
  ['no PDF, a Word file → refused', { pdfs: [], otherAttachments: ['a.docx'] }, {}, 'refuse:NOT_PDF'],
  ['manifest mismatch → refused', { manifestProblems: ['thiếu tệp "b.pdf"'] }, {}, 'refuse:INTEGRITY'],
  ['unreadable PDF → refused', { pdfs: [{ name: 'x.pdf', check: check('unreadable') }] }, {}, 'refuse:PDF_UNREADABLE'],
  ['invalid signature → refused', { pdfs: [{ name: 'x.pdf', check: check('invalid', 'HASH_FAILURE') }] }, {}, 'refuse:SIGNATURE_INVALID'],
  ['unsigned, policy reference → reference value', { pdfs: [{ name: 'x.pdf', check: check('unsigned') }] }, {}, 'register:reference:registered'],
  ['unsigned, policy refuse → refused', { pdfs: [{ name: 'x.pdf', check: check('unsigned') }] }, { unsigned: 'refuse' }, 'refuse:UNSIGNED'],
  ['indeterminate, policy warn → registered with a warning', { pdfs: [{ name: 'x.pdf', check: check('indeterminate') }] }, {}, 'register:legal:registered'],
  ['indeterminate, policy hold → held for the clerk', { pdfs: [{ name: 'x.pdf', check: check('indeterminate') }] }, { indeterminate: 'hold' }, 'register:legal:held'],
  ['wrong recipient, policy refuse → refused', { wrongRecipient: true }, { wrongRecipient: 'refuse' }, 'refuse:WRONG_RECIPIENT'],
  ['secrecy wins over everything else', { secrecy: 'mat', pdfs: [] }, {}, 'refuse:SECRET_DOCUMENT'],
];

for (const [name, f, p, expected] of CASES) {
  test(name, t => {
    const d = decideDocument(facts(f), { ...policy, ...p });
    t.is(d.action === 'refuse' ? `refuse:${d.reasonCode}` : `register:${d.legalValue}:${d.status}`, expected);
    if (d.action === 'refuse') t.regex(d.reasonVi, /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/u, 'a Vietnamese reason');
  });
}

test('soft warnings: an unsigned annex beside a signed main document, a wrong recipient under warn', t => {
  const d = decideDocument(facts({ pdfs: [{ name: 'vb.pdf', check: check('valid') }, { name: 'phuluc.pdf', check: check('unsigned') }], wrongRecipient: true }), policy);
  t.is(d.action, 'register');
  if (d.action === 'register') t.deepEqual(d.warnings.sort(), ['ANNEX_UNSIGNED', 'SIGNATURE_NOT_VERIFIED', 'WRONG_RECIPIENT']);
});
