/**
 * The PDF text pass when an edXML envelope gives the register's fields (docs/operations.md
 * §Throughput): only the first page (and the last, which the reader always adds) is read, and what
 * only the PDF carries still counts: a secrecy mark on the first page, the page count.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { buildEnvelope } from '../../src/edxml/envelope.js';
import type { PdfCheck } from '../../src/inbound/pdf-check.js';
import { prepareMail } from '../../src/inbound/prepare.js';
import { makePdf } from '../fixtures/pdf/make-pdf.js';
import { A, B } from '../helpers/world.js';

const unsigned = async (): Promise<PdfCheck> => ({ pages: null, signaturesFound: 0, verdict: 'unsigned', reasons: [], summaryVi: 'Không có chữ ký số', report: null });
const now = new Date('2026-11-20T03:00:00Z');

/** A five-page document: the marks and number on page 1, a phrase only on pages 2 and 3, the signer on page 5. */
async function fivePages(mark: string | null): Promise<Buffer> {
  return makePdf([
    ['ỦY BAN NHÂN DÂN TỈNH VĨNH LONG', 'Số: 12/QĐ-UBND', ...(mark ? [mark] : []), 'QUYẾT ĐỊNH', 'Về việc thử nghiệm'],
    ['Điều 2. TRANG HAI RIÊNG'],
    ['Điều 3. TRANG BA RIÊNG'],
    ['Điều 4. Trang bốn'],
    ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn An'],
  ]);
}

async function mail(pdf: Buffer, withEnvelope: boolean): Promise<Buffer> {
  const envelope = buildEnvelope({
    from: { organId: B.code, organName: B.name, email: B.email },
    to: [{ organId: A.code, organName: A.name, email: A.email }],
    codeNumber: '12',
    codeNotation: 'QĐ-UBND',
    promulgationDate: '2026-11-19',
    typeName: 'Quyết định',
    subject: 'Về việc thử nghiệm',
    signer: { competence: 'KT. CHỦ TỊCH', position: 'Phó Chủ tịch', fullName: 'Nguyễn Văn An' },
    documentId: `${B.code},2026/11/19,12/QĐ-UBND`,
    attachments: [{ name: 'qd.pdf', contentType: 'application/pdf', sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length }],
  });
  const files = [{ filename: 'qd.pdf', content: pdf, contentType: 'application/pdf' }];
  if (withEnvelope) files.push({ filename: 'vanban.edxml', content: Buffer.from(envelope), contentType: 'application/xml' });
  return new MailComposer({ from: B.email, to: A.email, subject: 'Quyết định số 12/QĐ-UBND', text: 'Kính gửi văn thư.', attachments: files }).compile().build();
}

test('with an envelope that gives every field, only the first and last pages are read; without one, the first three and the last', async t => {
  const pdf = await fivePages(null);
  const withEnv = await prepareMail(await mail(pdf, true), now, unsigned, 10);
  const without = await prepareMail(await mail(pdf, false), now, unsigned, 10);
  if (!withEnv.ok || !without.ok) return t.fail('not prepared');
  t.truthy(withEnv.envelope, 'the envelope was read');
  const textWith = withEnv.pdfs[0]!.text ?? '';
  const textWithout = without.pdfs[0]!.text ?? '';
  t.regex(textWith, /Số: 12\/QĐ-UBND/u);
  t.regex(textWith, /Nguyễn Văn An/u, 'the last page is still read');
  t.notRegex(textWith, /TRANG HAI RIÊNG|TRANG BA RIÊNG/u, 'pages 2 and 3 are not read');
  t.regex(textWithout, /TRANG HAI RIÊNG/u);
  t.regex(textWithout, /TRANG BA RIÊNG/u);
  t.is(withEnv.pdfs[0]!.check.pages, 5, 'the page count still comes from the text pass');
  t.is(withEnv.meta.signer.name, 'Nguyễn Văn An');
  t.is(withEnv.meta.numberNotation, '12/QĐ-UBND');
});

test('with an envelope, a secrecy mark stamped on the PDF’s first page is still found', async t => {
  const prepared = await prepareMail(await mail(await fivePages('MẬT'), true), now, unsigned, 10);
  if (!prepared.ok) return t.fail(prepared.error);
  t.is(prepared.meta.secrecy, 'mat');
  t.is(prepared.meta.secrecyFrom, 'pdf');
});
