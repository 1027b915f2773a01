import test from 'ava';
import { extractDocumentMetadata } from '../../src/mail/metadata.js';
import { readDocumentText } from '../../src/mail/document-text.js';
import { parseMail } from '../../src/mail/parse.js';
import { parseEnvelope } from '../../src/edxml/envelope.js';
import { findEdxml } from '../../src/mail/edxml-parts.js';
import type { ParsedMail } from '../../src/mail/types.js';
import { eml } from './helpers.js';

function mail(subject: string, text = '', pdfs: string[] = []): { mail: ParsedMail; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  const attachments = pdfs.map((body, i) => {
    const sha = String(i).repeat(64).slice(0, 64);
    texts.set(sha, body);
    return { filename: `${i}.pdf`, contentType: 'application/pdf', size: 10, sha256: sha, content: Buffer.from('%PDF-'), isPdf: true, inline: false, forwarded: false };
  });
  return {
    mail: { messageId: null, inReplyTo: null, references: [], subject, from: null, to: [], cc: [], replyTo: [], date: null, headers: {}, text, html: null, attachments, reportParts: [], warnings: [] },
    texts,
  };
}

const CV = ['UBND TỈNH VĨNH LONG', 'SỞ NỘI VỤ', 'Số: 05 /SNV-VP', 'V/v tăng cường kỷ luật,', 'kỷ cương hành chính', 'Vĩnh Long, ngày 02 tháng 01 năm 2020', 'Kính gửi: Các đơn vị', 'Đề nghị báo cáo, hạn xử lý: 15/01/2020.', 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', '(Đã ký)', 'Trần Thị Bình'].join('\n');

test('PDF text: công văn layout, number typed with a space, summary over two lines, due date, signer', t => {
  const f = readDocumentText(CV);
  t.deepEqual(f, {
    issuerName: 'SỞ NỘI VỤ', parentName: 'UBND TỈNH VĨNH LONG', numberNotation: '05/SNV-VP', date: '2020-01-02', place: 'Vĩnh Long', typeName: 'Công văn',
    summary: 'V/v tăng cường kỷ luật, kỷ cương hành chính', signer: { competence: 'KT. GIÁM ĐỐC', position: 'PHÓ GIÁM ĐỐC', name: 'Trần Thị Bình' },
    urgency: null, secrecy: null, dueDate: '2020-01-15',
  });
});

test('PDF text: header and number on the same baseline as the motto and the date line', t => {
  const f = readDocumentText('ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH VĨNH LONG Độc lập - Tự do - Hạnh phúc\nSố: 12/QĐ-UBND Vĩnh Long, ngày 15 tháng 5 năm 2019\nQUYẾT ĐỊNH\nVề việc X\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nLê Văn A');
  t.is(f.issuerName, 'ỦY BAN NHÂN DÂN TỈNH VĨNH LONG');
  t.is(f.numberNotation, '12/QĐ-UBND');
  t.is(f.date, '2019-05-15');
  t.is(f.typeName, 'Quyết định');
  t.is(f.summary, 'Về việc X');
  t.deepEqual(f.signer, { competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', name: 'Lê Văn A' });
});

test('nothing found → every field listed as missing, urgency normal', t => {
  const { mail: m, texts } = mail('Chào anh');
  const d = extractDocumentMetadata(m, texts);
  t.deepEqual(d.missing, ['issuer', 'numberNotation', 'date', 'type', 'summary', 'signer']);
  t.is(d.urgency, 'normal');
  t.is(d.secrecy, null);
  t.is(d.dueDate, null);
});

test('subject fills what the PDF lacks; the PDF wins where both speak', t => {
  const { mail: m, texts } = mail('[KHẨN] [VBĐT] 99/QĐ-UBND ngày 01/01/2019: Trích yếu từ tiêu đề', '', ['Số: 12/QĐ-UBND\nVĩnh Long, ngày 15 tháng 5 năm 2019']);
  const d = extractDocumentMetadata(m, texts);
  t.is(d.numberNotation, '12/QĐ-UBND');
  t.is(d.date, '2019-05-15');
  t.is(d.summary, 'Trích yếu từ tiêu đề');
  t.is(d.urgency, 'khan');
  t.is(d.type, 'Quyết định');
});

test('free-form subject and body only (no PDF text)', t => {
  const { mail: m, texts } = mail('Công văn số 12/UBND-VP về việc tăng cường quản lý', 'Kính gửi,\n\nGửi công văn số 12/UBND-VP ngày 20/6/2019.\n');
  const d = extractDocumentMetadata(m, texts);
  t.is(d.numberNotation, '12/UBND-VP');
  t.is(d.type, 'Công văn');
  t.is(d.summary, 'tăng cường quản lý');
  t.is(d.date, '2019-06-20');
  t.deepEqual(d.missing, ['issuer', 'signer']);
});

test('highest urgency and secrecy over edXML priority, PDFs (annexes too) and subject', t => {
  const { mail: m, texts } = mail('[THƯỢNG KHẨN] x', '', ['Số: 1/QĐ-X\nKHẨN', 'Phụ lục\nTỐI MẬT\nHỎA TỐC']);
  const d = extractDocumentMetadata(m, texts);
  t.is(d.urgency, 'hoa-toc');
  t.is(d.secrecy, 'toi-mat');
});

test('edXML envelope is the first source, with documentId and businessDocType', async t => {
  const pm = await parseMail(eml('doc-ours-edxml.eml'));
  const env = findEdxml(pm).envelope!.parse;
  const d = extractDocumentMetadata(pm, new Map(), env);
  t.deepEqual(d.issuer, { code: '000.00.00.H62', name: 'Ủy ban nhân dân tỉnh Vĩnh Long' });
  t.is(d.dueDate, '2019-05-30');
  t.is(d.documentId, '000.00.00.H62,2019/05/15,12/QĐ-UBND');
  t.is(d.businessDocType, 0);
  t.deepEqual(d.signer, { position: 'PHÓ CHỦ TỊCH', name: 'Nguyễn Văn An', competence: 'KT. CHỦ TỊCH' });
  t.deepEqual(d.attachments.map(a => a.name), ['qd-12-ubnd.pdf']);
  t.deepEqual(d.missing, []);
  // An unusable envelope is ignored.
  t.is(extractDocumentMetadata(pm, new Map(), parseEnvelope('<broken')).issuer.code, null);
});

test('a date quoted in a "Căn cứ" line is not the document date', t => {
  const f = readDocumentText('ỦY BAN NHÂN DÂN\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc X\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;');
  t.is(f.date, null);
  t.is(readDocumentText('Số: 12/QĐ-UBND\nVĩnh Long, ngày 15 tháng 5 năm 2019\nCăn cứ Luật ngày 19 tháng 6 năm 2015').date, '2019-05-15');
  t.is(readDocumentText('Số: 12/QĐ-UBND ngày 15 tháng 5 năm 2019').date, '2019-05-15');
});

test('register attachments leave out edXML files, forwarded containers and inline images', t => {
  const { mail: m, texts } = mail('x', '', ['Số: 1/QĐ-X']);
  const base = m.attachments[0]!;
  m.attachments.push(
    { ...base, filename: 'vanban.edxml', contentType: 'application/xml', isPdf: false, sha256: 'e'.repeat(64) },
    { ...base, filename: 'fw.eml', contentType: 'message/rfc822', isPdf: false, sha256: 'f'.repeat(64) },
    { ...base, filename: 'logo.png', contentType: 'image/png', isPdf: false, inline: true, sha256: 'c'.repeat(64) },
    { ...base, filename: 'phu-luc.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', isPdf: false, sha256: 'd'.repeat(64) },
  );
  t.deepEqual(extractDocumentMetadata(m, texts).attachments.map(a => a.name), ['0.pdf', 'phu-luc.docx']);
});
