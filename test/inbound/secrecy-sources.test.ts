import test from 'ava';
import { decideDocument, type DocumentFacts } from '../../src/inbound/check-document.js';
import { inspectMail } from '../../src/mail/inspect.js';
import type { PdfCheck } from '../../src/inbound/pdf-check.js';
import { documentMail } from '../../bench/hostile/bombs.js';
import { documentPdf } from '../helpers/documents.js';

const policy = { unsigned: 'reference', indeterminate: 'warn', wrongRecipient: 'warn' } as const;
const valid: PdfCheck = { pages: 1, signaturesFound: 1, verdict: 'valid', reasons: [], summaryVi: 'Hợp lệ', report: null };

/** A mail with an unmarked PDF, the mark only where the case says; through inspect to the check table. */
const CASES: Array<{ name: string; subject: string; text?: string; secrecy: string | null; from?: string; where?: RegExp }> = [
  { name: 'subject-only mark', subject: '[MẬT] Quyết định số 12/QĐ-UBND ngày 15/5/2019 về việc thử nghiệm', secrecy: 'mat', from: 'subject', where: /ở tiêu đề thư/u },
  { name: 'subject mark at the end, no diacritics', subject: 'Quyet dinh so 12/QD-UBND - TUYET MAT', secrecy: 'tuyet-mat', from: 'subject', where: /TUYỆT MẬT/u },
  { name: 'body-only mark', subject: 'Quyết định số 12/QĐ-UBND', text: 'Kính gửi Sở Y tế,\r\nĐộ mật: Tối mật\r\nGửi văn bản kèm theo.', secrecy: 'toi-mat', from: 'body', where: /trong nội dung thư/u },
  { name: 'a password in the subject is no mark', subject: 'Quyết định số 12/QĐ-UBND - gửi kèm mật khẩu mở tệp', secrecy: null },
];

for (const c of CASES) {
  test(`secrecy from every source: ${c.name}`, async t => {
    const raw = documentMail({ subject: c.subject, ...(c.text ? { text: c.text } : {}), attachments: [{ filename: 'qd.pdf', contentType: 'application/pdf', content: await documentPdf() }] });
    const r = await inspectMail(raw);
    t.is(r.kind, 'document');
    t.is<string | null, string | null>(r.document?.secrecy ?? null, c.secrecy);
    t.is<string | undefined, string | undefined>(r.document?.secrecyFrom, c.from);
    const facts: DocumentFacts = {
      secrecy: r.document!.secrecy,
      ...(r.document!.secrecyFrom ? { secrecyFrom: r.document!.secrecyFrom } : {}),
      pdfs: [{ name: 'qd.pdf', check: valid }], otherAttachments: [], manifestProblems: [], wrongRecipient: false,
    };
    const d = decideDocument(facts, policy);
    if (!c.secrecy) return t.is(d.action, 'register');
    if (d.action !== 'refuse') return t.fail(`registered: ${JSON.stringify(d)}`);
    t.is(d.reasonCode, 'SECRET_DOCUMENT');
    t.regex(d.reasonVi, c.where!);
  });
}
