import test from 'ava';
import { inspectMail } from '../../src/mail/inspect.js';
import { eml, emlNames } from './helpers.js';

type Expect = {
  kind: string;
  messageId?: string | null;
  inReplyTo?: string | null;
  doc?: Partial<{ numberNotation: string; date: string; type: string; urgency: string; secrecy: string | null; issuerCode: string | null; issuerName: string; signerName: string; signerPosition: string; summary: string; missing: string[]; attachments: number; pages: number }>;
  status?: { code: string | null };
  dr?: { originalMessageId: string | null; originalEnvelopeId?: string | null; recipients: Array<[string, string, string | null]> };
  rr?: { originalMessageId: string; disposition: string };
  warning?: RegExp;
};

/** Every fixture, its kind and the fields that matter for it. */
const TABLE: Record<string, Expect> = {
  'doc-person-free-subject.eml': { kind: 'document', messageId: '<person-qd12@vinhlong.gov.vn>', doc: { numberNotation: '12/QĐ-UBND', date: '2019-05-15', type: 'Quyết định', urgency: 'normal', secrecy: null, issuerCode: null, issuerName: 'ỦY BAN NHÂN DÂN TỈNH VĨNH LONG', signerName: 'Nguyễn Văn An', signerPosition: 'PHÓ CHỦ TỊCH', summary: 'Về việc phê duyệt kế hoạch cải cách hành chính năm 2019', missing: [], attachments: 1, pages: 2 } },
  'doc-ours-edxml.eml': { kind: 'document', messageId: '<doc-1.snv@edoc.vinhlong.gov.vn>', doc: { numberNotation: '12/QĐ-UBND', date: '2019-05-15', type: 'Quyết định', issuerCode: '000.00.00.H62', issuerName: 'Ủy ban nhân dân tỉnh Vĩnh Long', signerName: 'Nguyễn Văn An', missing: [], attachments: 1, pages: 2 } },
  'doc-soap-edxml.eml': { kind: 'document', messageId: '<soap-cv07@qlvb.longho.vinhlong.gov.vn>', doc: { numberNotation: '07/UBND-VX', date: '2019-06-20', type: 'Công văn', urgency: 'khan', secrecy: null, issuerCode: '000.00.17.H62', issuerName: 'Ủy ban nhân dân huyện Long Hồ', signerName: 'Võ Thị Hồng', signerPosition: 'PHÓ CHỦ TỊCH', summary: 'V/v triển khai tiêm chủng mở rộng năm 2019', missing: [], attachments: 1, pages: 1 } },
  'doc-soap-edxml-embedded.eml': { kind: 'document', doc: { numberNotation: '07/UBND-VX', date: '2019-06-20', type: 'Công văn', urgency: 'khan', issuerCode: '000.00.17.H62', signerName: 'Võ Thị Hồng', signerPosition: 'PHÓ CHỦ TỊCH', missing: [], attachments: 1, pages: 1 } },
  'doc-forwarded-rfc822.eml': { kind: 'document', doc: { numberNotation: '05/SNV-VP', date: '2020-01-02', type: 'Công văn', issuerName: 'SỞ NỘI VỤ', signerName: 'Trần Thị Bình', summary: 'V/v tăng cường kỷ luật, kỷ cương hành chính', attachments: 1 } },
  'doc-octet-stream.eml': { kind: 'document', doc: { numberNotation: '05/SNV-VP', type: 'Công văn', attachments: 1, pages: 1 } },
  'doc-windows-1258.eml': { kind: 'document', messageId: '<cp1258-cv07@longho.vinhlong.gov.vn>', doc: { numberNotation: '07/UBND-VX', date: '2019-06-20', type: 'Công văn', issuerName: 'ỦY BAN NHÂN DÂN HUYỆN LONG HỒ', signerName: 'Võ Thị Hồng' } },
  'doc-rfc2231-filename.eml': { kind: 'document', doc: { numberNotation: '09/TB-SNV', type: 'Thông báo', date: '2019-08-05', signerPosition: 'CHÁNH VĂN PHÒNG' } },
  'doc-hoa-toc.eml': { kind: 'document', doc: { numberNotation: '15/CĐ-UBND', type: 'Công điện', urgency: 'hoa-toc', date: '2019-07-03', signerName: 'Lê Quang Trung' } },
  'doc-mat.eml': { kind: 'document', doc: { numberNotation: '20/BC-CAT', type: 'Báo cáo', secrecy: 'mat', urgency: 'normal', signerName: 'Phạm Văn Cường' } },
  'doc-smime-opaque.eml': { kind: 'document', doc: { numberNotation: '12/QĐ-UBND', attachments: 1, pages: 2 }, warning: /S\/MIME/u },
  'status-03.eml': { kind: 'status', inReplyTo: '<doc-1.snv@edoc.vinhlong.gov.vn>', status: { code: '03' } },
  'recall-13.eml': { kind: 'recall', status: { code: '13' }, doc: { numberNotation: '12/QĐ-UBND', date: '2019-05-15', issuerCode: '000.00.00.H62' } },
  'recall-envelope.eml': { kind: 'recall', status: { code: '13' }, doc: { numberNotation: '12/QĐ-UBND', issuerCode: '000.00.00.H62' } },
  'dsn-postfix-5.1.1.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.nohope@edoc.vinhlong.gov.vn>', originalEnvelopeId: 'doc-1.nohope', recipients: [['nohope@snv.vinhlong.gov.vn', 'failed', '5.1.1']] } },
  'dsn-postfix-delay.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.longho@edoc.vinhlong.gov.vn>', originalEnvelopeId: 'doc-1.longho', recipients: [['vanthu@longho.vinhlong.gov.vn', 'delayed', '4.4.1']] } },
  'dsn-global.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.phuong@edoc.vinhlong.gov.vn>', originalEnvelopeId: 'doc-1.phuong', recipients: [['vănthư@phường1.example.vn', 'failed', '5.1.1']] } },
  'bounce-qmail.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.khongco@edoc.vinhlong.gov.vn>', recipients: [['khongco@tinh.example.vn', 'failed', '5.1.1']] } },
  'bounce-exim.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.xa@edoc.vinhlong.gov.vn>', recipients: [['vanthu@xa.huyen.example.vn', 'failed', '5.1.1']] } },
  'bounce-exchange.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.bo@edoc.vinhlong.gov.vn>', recipients: [['vanthu.cu@bo.example.gov.vn', 'failed', '5.1.10']] } },
  'bounce-gmail.eml': { kind: 'delivery-report', dr: { originalMessageId: '<doc-1.gmail@edoc.vinhlong.gov.vn>', recipients: [['vanthu.xa.tanhoa@gmail.com', 'failed', '5.1.1']] } },
  'mdn-displayed.eml': { kind: 'read-receipt', rr: { originalMessageId: '<doc-1.snv@edoc.vinhlong.gov.vn>', disposition: 'displayed' } },
  'reply-da-nhan.eml': { kind: 'reply', inReplyTo: '<doc-1.snv@edoc.vinhlong.gov.vn>' },
  'auto-reply-ooo.eml': { kind: 'auto-reply' },
  'unknown-newsletter.eml': { kind: 'unknown' },
  'unknown-newsletter-list.eml': { kind: 'unknown' },
  'hostile-broken-boundary.eml': { kind: 'document', warning: /not closed/u, doc: { numberNotation: '05/SNV-VP' } },
  'hostile-header-only.eml': { kind: 'unknown', messageId: '<header-only@example.vn>' },
  'hostile-empty.eml': { kind: 'unknown', messageId: null, warning: /MAIL_UNPARSEABLE/u },
  'hostile-nul.eml': { kind: 'unknown', warning: /NUL/u },
  'hostile-filenames.eml': { kind: 'document', doc: { attachments: 3 } },
};

test('every fixture is in the table', t => {
  t.deepEqual(emlNames(), Object.keys(TABLE).sort());
});

for (const [name, e] of Object.entries(TABLE)) {
  test(`inspect ${name} → ${e.kind}`, async t => {
    const r = await inspectMail(eml(name));
    t.is<string, string>(r.kind, e.kind);
    t.true(Array.isArray(r.warnings));
    if (e.messageId !== undefined) t.is(r.messageId, e.messageId);
    if (e.inReplyTo !== undefined) t.is(r.inReplyTo, e.inReplyTo);
    if (e.warning) t.true(r.warnings.some(w => e.warning!.test(w)), r.warnings.join(' | '));
    t.is(r.document !== undefined, e.kind === 'document' || e.kind === 'recall');
    t.is(r.deliveryReport !== undefined, e.kind === 'delivery-report');
    t.is(r.status !== undefined, e.kind === 'status' || e.kind === 'recall');
    if (e.doc) {
      const d = r.document!;
      const got: Record<string, unknown> = {
        numberNotation: d.numberNotation, date: d.date, type: d.type, urgency: d.urgency, secrecy: d.secrecy, issuerCode: d.issuer.code,
        issuerName: d.issuer.name, signerName: d.signer.name, signerPosition: d.signer.position, summary: d.summary, missing: d.missing,
        attachments: d.attachments.length, pages: d.attachments[0]?.pages,
      };
      for (const [k, v] of Object.entries(e.doc)) t.deepEqual(got[k], v, k);
      t.regex(d.attachments[0]?.sha256 ?? 'a'.repeat(64), /^[0-9a-f]{64}$/u);
    }
    if (e.status) t.is(r.status!.code, e.status.code);
    if (e.dr) {
      t.is(r.deliveryReport!.originalMessageId, e.dr.originalMessageId);
      if (e.dr.originalEnvelopeId !== undefined) t.is(r.deliveryReport!.originalEnvelopeId, e.dr.originalEnvelopeId);
      t.deepEqual(r.deliveryReport!.recipients.map(x => [x.address, x.action, x.status]), e.dr.recipients);
      for (const x of r.deliveryReport!.recipients) t.truthy(x.diagnostic);
    }
    if (e.rr) {
      t.is(r.readReceipt?.originalMessageId, e.rr.originalMessageId);
      t.is<string | undefined, string>(r.readReceipt?.disposition, e.rr.disposition);
    }
    // The JSON contract: only these keys.
    t.deepEqual(Object.keys(r).filter(k => !['kind', 'messageId', 'inReplyTo', 'subject', 'document', 'status', 'deliveryReport', 'readReceipt', 'warnings'].includes(k)), []);
  });
}

test('document.edxmlForm says which envelope form was read (docs/edxml.md §Older SOAP form)', async t => {
  const forms: Array<[string, string | undefined]> = [
    ['doc-soap-edxml.eml', 'soap'],
    ['doc-soap-edxml-embedded.eml', 'soap'],
    ['doc-ours-edxml.eml', 'qcvn102'],
    ['doc-person-free-subject.eml', undefined],
  ];
  for (const [name, form] of forms) t.is<string | undefined, string | undefined>((await inspectMail(eml(name))).document?.edxmlForm, form, name);
});

test('status responseFor comes from the edXML packet', async t => {
  const r = await inspectMail(eml('status-03.eml'));
  t.deepEqual(r.status, { code: '03', responseFor: { organId: '000.00.00.H62', code: '12/QĐ-UBND', promulgationDate: '2019-05-15', documentId: '000.00.00.H62,2019/05/15,12/QĐ-UBND' } });
});

test('recall by envelope names the revoked document', async t => {
  const r = await inspectMail(eml('recall-envelope.eml'));
  t.deepEqual(r.status, { code: '13', responseFor: { organId: '000.00.00.H62', code: '12/QĐ-UBND', promulgationDate: '2019-05-15', documentId: '000.00.00.H62,2019/05/15,12/QĐ-UBND' } });
});

test('a PDF without a text layer is flagged; metadata falls back to the mail', async t => {
  const { makePdf } = await import('../fixtures/pdf/make-pdf.js');
  const { compose } = await import('./helpers.js');
  const raw = await compose({ from: 'a@x.vn', to: 'b@x.vn', subject: 'Công văn số 12/UBND-VP về việc kiểm tra', text: 'Gửi công văn.', attachments: [{ filename: 'scan.pdf', content: await makePdf([[]]) }] });
  const r = await inspectMail(raw);
  t.is(r.kind, 'document');
  t.true(r.warnings.some(w => w.includes('no text layer')));
  t.is(r.document?.numberNotation, '12/UBND-VP');
  t.is(r.document?.summary, 'kiểm tra');
  t.deepEqual(r.document?.missing, ['issuer', 'date', 'signer']);
});
