/**
 * The older SOAP form of the document envelope (docs/edxml.md §Older SOAP form). The XML here is
 * written by us from the published structure: soap-env:Envelope, edXML:MessageHeader in the Header,
 * the attachments (and their digests) in the Body.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { EDXML_NS } from '../../src/edxml/codes.js';
import { detectEdxml } from '../../src/edxml/detect.js';
import { buildEnvelope, parseEnvelope } from '../../src/edxml/envelope.js';
import type { EnvelopeInput, EnvelopeParse } from '../../src/edxml/types.js';

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const PDF = Buffer.from('%PDF-1.4\n% văn bản thử\n%%EOF\n');
const HEX = createHash('sha256').update(PDF).digest('hex');
const B64 = createHash('sha256').update(PDF).digest('base64');

/** A SOAP envelope around `header` (inside soap-env:Header) and `body` (inside soap-env:Body). */
const soap = (header: string, body = '') =>
  `<?xml version="1.0" encoding="utf-8"?>
<soap-env:Envelope xmlns:soap-env="${SOAP_NS}" xmlns:edXML="${EDXML_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <soap-env:Header>${header}</soap-env:Header>
  <soap-env:Body>${body}</soap-env:Body>
</soap-env:Envelope>`;

/** The older element names: PromulgationInfo/Date, type/value+description, Author/Function, Priority as a word, Secret. */
const OLDER_HEADER = `
  <edXML:MessageHeader OriginalBodyRequested="false" ImmediateResponseRequired="true">
    <edXML:From><edXML:OrganId edXML:type="edXMLString">000.00.31.H62</edXML:OrganId><edXML:OrganName>Sở Nội vụ</edXML:OrganName><edXML:Email>snv@vinhlong.gov.vn</edXML:Email></edXML:From>
    <edXML:To><edXML:OrganId edXML:type="edXMLString">000.00.00.H62</edXML:OrganId><edXML:OrganName>UBND tỉnh</edXML:OrganName></edXML:To>
    <edXML:To><edXML:OrganId>000.00.32.H62</edXML:OrganId></edXML:To>
    <edXML:DocumentId>000.00.31.H62,2019/08/05,09/TB-SNV</edXML:DocumentId>
    <edXML:Code><edXML:CodeNumber>9</edXML:CodeNumber><edXML:CodeNotation>TB-SNV</edXML:CodeNotation></edXML:Code>
    <edXML:PromulgationInfo><edXML:Place>Vĩnh Long</edXML:Place><edXML:Date>05/08/2019</edXML:Date></edXML:PromulgationInfo>
    <edXML:type><value>5</value><description>Thông báo</description></edXML:type>
    <edXML:Subject>Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 7</edXML:Subject>
    <edXML:Author><edXML:Competence>TL. GIÁM ĐỐC</edXML:Competence><edXML:Function>CHÁNH VĂN PHÒNG</edXML:Function><edXML:FullName>Đỗ Minh Tâm</edXML:FullName></edXML:Author>
    <edXML:DueDate>2019/08/20</edXML:DueDate>
    <edXML:ToPlaces><edXML:Place>Như trên</edXML:Place><edXML:Place>Lưu: VT</edXML:Place></edXML:ToPlaces>
    <edXML:OtherInfo><edXML:Secret>Thường</edXML:Secret><edXML:Priority>Thượng khẩn</edXML:Priority><edXML:PageAmount>2</edXML:PageAmount></edXML:OtherInfo>
  </edXML:MessageHeader>
  <edXML:TraceHeaderList>
    <edXML:TraceHeader><edXML:Sender><edXML:OrganId>000.00.31.H62</edXML:OrganId></edXML:Sender><edXML:Timestamp>2019/08/05 10:00:00</edXML:Timestamp></edXML:TraceHeader>
  </edXML:TraceHeaderList>`;

/** The same document in the current QCVN 102:2016 form (our builder). */
const CURRENT: EnvelopeInput = {
  from: { organId: '000.00.31.H62', organName: 'Sở Nội vụ', email: 'snv@vinhlong.gov.vn' },
  to: [{ organId: '000.00.00.H62', organName: 'UBND tỉnh' }, { organId: '000.00.32.H62' }],
  codeNumber: '9',
  codeNotation: 'TB-SNV',
  place: 'Vĩnh Long',
  promulgationDate: '2019-08-05',
  typeName: 'Thông báo',
  type: '5',
  subject: 'Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 7',
  signer: { competence: 'TL. GIÁM ĐỐC', position: 'CHÁNH VĂN PHÒNG', fullName: 'Đỗ Minh Tâm' },
  dueDate: '2019-08-20',
  toPlaces: ['Như trên', 'Lưu: VT'],
  priority: 2,
  pageAmount: 2,
  documentId: '000.00.31.H62,2019/08/05,09/TB-SNV',
  traces: [{ organId: '000.00.31.H62', timestamp: '2019-08-05T03:00:00Z' }],
  attachments: [{ name: 'tb-09.pdf', contentType: 'application/pdf', sha256: HEX, contentId: 'cid:tb09@snv' }],
};

const MANIFEST = `<edXML:Manifest edXML:version="1.0">
  <edXML:Reference xlink:href="cid:tb09@snv" xlink:role="XLinkRole" xlink:type="simple">
    <edXML:Description xml:lang="vi">Thông báo kết luận</edXML:Description>
    <edXML:AttachmentName>tb-09.pdf</edXML:AttachmentName>
    <edXML:ContentType>application/pdf</edXML:ContentType>
    <edXML:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
    <edXML:DigestValue>${B64}</edXML:DigestValue>
  </edXML:Reference>
</edXML:Manifest>`;

/**
 * The fields the register and the manifest check read: they must come out the same from both forms
 * (CodeNumber is kept as written, "9" here and "09" from our builder; numberNotation pads both).
 */
const FIELDS: Array<keyof EnvelopeParse> = [
  'from', 'numberNotation', 'codeNotation', 'place', 'promulgationDate', 'typeName', 'type', 'subject', 'signer', 'dueDate', 'toPlaces', 'priority', 'pageAmount', 'documentId', 'traces',
];

test('the older SOAP form gives the same envelope fields as the QCVN 102:2016 form', t => {
  const older = parseEnvelope(soap(OLDER_HEADER, MANIFEST));
  const current = parseEnvelope(buildEnvelope(CURRENT));
  t.true(older.ok, older.errors.join('; '));
  t.is(older.form, 'soap');
  t.is(current.form, 'qcvn102');
  for (const f of FIELDS) t.deepEqual(older[f], current[f], f);
  t.deepEqual(older.to.map(o => o.organId), current.to.map(o => o.organId));
  t.deepEqual(older.attachments.map(a => [a.name, a.contentType, a.sha256, a.contentId]), current.attachments.map(a => [a.name, a.contentType, a.sha256, a.contentId]));
  t.is(older.attachments[0]!.description, 'Thông báo kết luận');
  t.is(older.secret, 'Thường');
  t.deepEqual(older.warnings, []);
});

test('detectEdxml: the SOAP document envelope is an envelope; a SOAP status stays a status; a bare SOAP envelope is neither', t => {
  t.is(detectEdxml(soap(OLDER_HEADER, MANIFEST)), 'envelope');
  t.is(detectEdxml(soap(`<edXML:Status><edXML:StatusCode>03</edXML:StatusCode></edXML:Status>`)), 'status');
  t.is(detectEdxml(soap('', '<x/>')), null);
  const none = parseEnvelope(soap('', '<x/>'));
  t.false(none.ok);
  t.is(none.form, undefined);
});

test('the SOAP form with the QCVN element names inside is read too', t => {
  const p = parseEnvelope(
    soap(`<edXML:MessageHeader>
      <edXML:From><edXML:OrganId>000.00.31.H62</edXML:OrganId></edXML:From>
      <edXML:Code><edXML:CodeNumber>12</edXML:CodeNumber><edXML:CodeNotation>QĐ-UBND</edXML:CodeNotation></edXML:Code>
      <edXML:PromulgationInfo><edXML:PromulgationDate>2019/05/15</edXML:PromulgationDate></edXML:PromulgationInfo>
      <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>Quyết định</edXML:TypeName></edXML:DocumentType>
      <edXML:SignerInfo><edXML:Position>PHÓ CHỦ TỊCH</edXML:Position><edXML:FullName>Nguyễn Văn An</edXML:FullName></edXML:SignerInfo>
      <edXML:OtherInfo><edXML:Priority>3</edXML:Priority></edXML:OtherInfo>
    </edXML:MessageHeader>
    <edXML:TraceHeaderList><edXML:Bussiness><edXML:BussinessDocType>1</edXML:BussinessDocType></edXML:Bussiness></edXML:TraceHeaderList>`),
  );
  t.true(p.ok);
  t.is(p.numberNotation, '12/QĐ-UBND');
  t.is(p.promulgationDate, '2019-05-15');
  t.is(p.typeName, 'Quyết định');
  t.deepEqual(p.signer, { position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn An' });
  t.is(p.priority, 3);
  t.is(p.businessDocType, 1);
});

test('files in the Body: content decoded, their digests declared to the manifest (hex or base64)', t => {
  const body = `${MANIFEST.replace(/<edXML:DigestMethod[^>]*\/>\s*<edXML:DigestValue>[^<]*<\/edXML:DigestValue>/u, '')}
    <edXML:Attachment ContentId="cid:tb09@snv">
      <edXML:AttachmentName>tb-09.pdf</edXML:AttachmentName>
      <edXML:ContentType>application/pdf</edXML:ContentType>
      <edXML:DigestValue>${B64}</edXML:DigestValue>
      <edXML:ContentTransferEncoded>${PDF.toString('base64')}</edXML:ContentTransferEncoded>
    </edXML:Attachment>
    <edXML:document><edXML:attach>
      <edXML:attachment Content-Type="application/pdf"><name>phu-luc.pdf</name><edXML:Digest>${'d'.repeat(64)}</edXML:Digest><value>${PDF.toString('base64')}</value></edXML:attachment>
    </edXML:attach></edXML:document>`;
  const p = parseEnvelope(soap(OLDER_HEADER, body));
  t.true(p.ok);
  t.deepEqual(p.encodedAttachments.map(a => [a.name, a.contentType, a.content.equals(PDF), a.zipped]), [
    ['tb-09.pdf', 'application/pdf', true, false],
    ['phu-luc.pdf', 'application/pdf', true, false],
  ]);
  // The Manifest's entry (no digest of its own) takes the file's; the second file becomes an entry.
  t.deepEqual(p.attachments.map(a => [a.name, a.sha256]), [['tb-09.pdf', HEX], ['phu-luc.pdf', 'd'.repeat(64)]]);
});

test('an XML-DSig Signature in the Header gives the digests of cid: references', t => {
  const sig = `<ds:Signature><ds:SignedInfo>
    <ds:Reference URI="cid:tb09@snv"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>${B64}</ds:DigestValue></ds:Reference>
    <ds:Reference URI=""><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>
  </ds:SignedInfo></ds:Signature>`;
  const manifest = MANIFEST.replace(/<edXML:DigestMethod[^>]*\/>\s*<edXML:DigestValue>[^<]*<\/edXML:DigestValue>/u, '');
  const p = parseEnvelope(soap(OLDER_HEADER + sig, manifest));
  t.deepEqual(p.attachments.map(a => [a.name, a.sha256]), [['tb-09.pdf', HEX]]);
});

test('a digest that is not SHA-256 is not checked, and says so', t => {
  const sha1 = MANIFEST.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1').replace(B64, 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
  const p = parseEnvelope(soap(OLDER_HEADER, sha1));
  t.true(p.ok);
  t.is(p.attachments[0]!.sha256, undefined);
  t.true(p.warnings.some(w => /not SHA-256/u.test(w)), p.warnings.join('; '));
});

test('a Secret element with a secrecy mark reaches the document (and so the refusal of secret documents)', async t => {
  const { extractDocumentMetadata } = await import('../../src/mail/metadata.js');
  const { parseMail } = await import('../../src/mail/parse.js');
  const env = parseEnvelope(soap(OLDER_HEADER.replace('<edXML:Secret>Thường</edXML:Secret>', '<edXML:Secret>Mật</edXML:Secret>'), MANIFEST));
  const mail = await parseMail(Buffer.from('From: a@x.vn\r\nSubject: x\r\n\r\nx\r\n'));
  const meta = extractDocumentMetadata(mail, new Map(), env);
  t.is(meta.secrecy, 'mat');
  t.is(meta.edxmlForm, 'soap');
  t.is(meta.urgency, 'thuong-khan');
});
