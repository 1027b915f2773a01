import test from 'ava';
import { EDXML_NS } from '../../src/edxml/codes.js';
import { detectEdxml } from '../../src/edxml/detect.js';
import { buildEnvelope, parseEnvelope } from '../../src/edxml/envelope.js';
import type { EnvelopeInput } from '../../src/edxml/types.js';

const input: EnvelopeInput = {
  from: { organId: '000.00.00.H62', organName: 'Ủy ban nhân dân tỉnh Vĩnh Long & <Văn phòng>', email: 'vanthu@vinhlong.gov.vn' },
  to: [{ organId: '000.00.31.H62', organName: 'Sở Nội vụ' }, { organId: 'H62.32', organName: 'Sở Tài chính' }],
  codeNumber: '5',
  codeNotation: 'QĐ-UBND',
  place: 'Vĩnh Long',
  promulgationDate: '2019-05-15',
  typeName: 'Quyết định',
  subject: 'Về việc phê duyệt kế hoạch',
  signer: { competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn An' },
  dueDate: '2019-05-30',
  toPlaces: ['Như trên', 'Lưu: VT'],
  priority: 2,
  pageAmount: 3,
  appendixes: ['Phụ lục I'],
  responseFor: { organId: '000.00.31.H62', code: '33/TTr-SNV', promulgationDate: '2019-05-01' },
  documentId: '000.00.00.H62,2019/05/15,05/QĐ-UBND',
  traces: [{ organId: '000.00.00.H62', timestamp: '2019-05-15T02:30:00Z' }],
  business: { docType: 3, reason: 'Thay thế văn bản sai', replacements: [{ documentId: 'old-1', organIds: ['000.00.31.H62'] }], staff: { department: 'VP', staff: 'Lan' }, paper: true },
  attachments: [
    { name: 'qd-05.pdf', contentType: 'application/pdf', sha256: 'A'.repeat(64), contentId: 'cid:qd05@x' },
    { name: 'phu-luc.pdf', contentType: 'application/pdf', sha256: 'b'.repeat(64), description: 'Phụ lục' },
  ],
};

test('every element inside the envelope carries the edXML: prefix and the QCVN namespace', t => {
  const xml = buildEnvelope(input);
  t.true(xml.includes(`xmlns:edXML="${EDXML_NS}"`));
  const envelopePart = xml.slice(xml.indexOf('<edXML:edXMLEnvelope'), xml.indexOf('</edXML:edXMLEnvelope>'));
  const unprefixed = [...envelopePart.matchAll(/<\/?([A-Za-z][\w.-]*)(?=[\s>/])/gu)].map(m => m[1]).filter(n => !n!.startsWith('edXML:'));
  t.deepEqual(unprefixed, []);
  t.true(xml.includes('&amp; &lt;Văn phòng&gt;'));
  t.true(xml.includes('<edXML:PromulgationDate>2019/05/15</edXML:PromulgationDate>'));
  t.true(xml.includes('<edXML:CodeNumber>05</edXML:CodeNumber>'));
  t.true(xml.includes('<edXML:Timestamp>2019/05/15 09:30:00</edXML:Timestamp>'));
  t.is(detectEdxml(xml), 'envelope');
});

test('round trip: build then parse gives the same facts, digests included', t => {
  const p = parseEnvelope(buildEnvelope(input));
  t.true(p.ok, p.errors.join());
  t.deepEqual(p.from, { organId: '000.00.00.H62', organName: 'Ủy ban nhân dân tỉnh Vĩnh Long & <Văn phòng>', email: 'vanthu@vinhlong.gov.vn' });
  t.deepEqual(p.to.map(o => o.organId), ['000.00.31.H62', 'H62.32']);
  t.is(p.numberNotation, '05/QĐ-UBND');
  t.is(p.codeNumber, '05');
  t.is(p.codeNotation, 'QĐ-UBND');
  t.is(p.place, 'Vĩnh Long');
  t.is(p.promulgationDate, '2019-05-15');
  t.is(p.typeName, 'Quyết định');
  t.is(p.subject, 'Về việc phê duyệt kế hoạch');
  t.deepEqual(p.signer, { competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn An' });
  t.is(p.dueDate, '2019-05-30');
  t.deepEqual(p.toPlaces, ['Như trên', 'Lưu: VT']);
  t.is(p.priority, 2);
  t.is(p.pageAmount, 3);
  t.deepEqual(p.appendixes, ['Phụ lục I']);
  t.deepEqual(p.responseFor, { organId: '000.00.31.H62', code: '33/TTr-SNV', promulgationDate: '2019-05-01' });
  t.is(p.documentId, '000.00.00.H62,2019/05/15,05/QĐ-UBND');
  t.deepEqual(p.traces, [{ organId: '000.00.00.H62', timestamp: '2019-05-15T09:30:00+07:00' }]);
  t.is(p.businessDocType, 3);
  t.is(p.businessDocReason, 'Thay thế văn bản sai');
  t.deepEqual(p.staff, { department: 'VP', staff: 'Lan' });
  t.deepEqual(p.attachments, [
    { name: 'qd-05.pdf', contentType: 'application/pdf', sha256: 'a'.repeat(64), contentId: 'cid:qd05@x' },
    { name: 'phu-luc.pdf', contentType: 'application/pdf', sha256: 'b'.repeat(64), contentId: 'cid:attachment-2', description: 'Phụ lục' },
  ]);
});

test('a peer envelope: prefix-less, dd/MM/yyyy dates, Digest child, AttachmentEncoded (zipped and raw)', t => {
  const pdf = Buffer.from('%PDF-1.4 x');
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]);
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns="${EDXML_NS}">
  <edXMLEnvelope>
    <edXMLHeader><MessageHeader>
      <From><OrganId>000.00.04.G14</OrganId><OrganName>Văn phòng Chính phủ</OrganName></From>
      <Code><CodeNumber>267</CodeNumber><CodeNotation>VPCP-TTĐT</CodeNotation></Code>
      <PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>06/08/2012</PromulgationDate></PromulgationInfo>
      <DocumentType><Type>18</Type><TypeName>Công văn</TypeName></DocumentType>
      <Subject>V/v thử nghiệm</Subject>
      <OtherInfo><Priority>1</Priority></OtherInfo>
    </MessageHeader></edXMLHeader>
    <edXMLBody><edXMLManifest><Reference><AttachmentName>a.pdf</AttachmentName><Digest>${'c'.repeat(64)}</Digest></Reference></edXMLManifest></edXMLBody>
  </edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment><ContentType>application/pdf</ContentType><AttachmentName>a.pdf</AttachmentName><ContentTransferEncoded>${pdf.toString('base64')}</ContentTransferEncoded></Attachment>
    <Attachment><AttachmentName>b.zip</AttachmentName><ContentTransferEncoded>${zip.toString('base64')}</ContentTransferEncoded></Attachment>
  </AttachmentEncoded>
</edXML>`;
  const p = parseEnvelope(Buffer.from(xml));
  t.true(p.ok);
  t.is(p.numberNotation, '267/VPCP-TTĐT');
  t.is(p.promulgationDate, '2012-08-06');
  t.is(p.priority, 1);
  t.is(p.businessDocType, undefined);
  t.is(p.attachments[0]!.sha256, 'c'.repeat(64));
  t.is(p.encodedAttachments.length, 2);
  t.true(p.encodedAttachments[0]!.content.equals(pdf));
  t.false(p.encodedAttachments[0]!.zipped);
  t.true(p.encodedAttachments[1]!.zipped);
});

const garbage: Array<[string, string | Buffer]> = [
  ['empty', ''],
  ['not XML', 'hello'],
  ['binary', Buffer.from([0, 1, 2, 255])],
  ['unclosed', '<edXML><edXMLEnvelope>'],
  ['other root', '<html><body/></html>'],
  ['status packet', `<edXML:Status xmlns:edXML="${EDXML_NS}"><edXML:StatusCode>01</edXML:StatusCode></edXML:Status>`],
];
for (const [name, xml] of garbage) {
  test(`garbage never throws: ${name}`, t => {
    const p = parseEnvelope(xml);
    t.false(p.ok);
    t.true(p.errors.length > 0);
  });
}

test('missing fields are undefined, not errors', t => {
  const p = parseEnvelope(`<edXML><edXMLEnvelope><edXMLHeader><MessageHeader/></edXMLHeader></edXMLEnvelope></edXML>`);
  t.true(p.ok);
  t.is(p.numberNotation, undefined);
  t.is(p.promulgationDate, undefined);
  t.deepEqual(p.attachments, []);
});

test('character references decode once; external entities and entity bombs are refused', t => {
  const p = parseEnvelope(`<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>V&#7873; vi&#x1EC7;c &amp;#65;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`);
  t.is(p.subject, 'Về việc &#65;');
  const xxe = parseEnvelope(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`);
  t.false(xxe.ok);
  const deep = parseEnvelope('<a>'.repeat(5000) + '</a>'.repeat(5000));
  t.false(deep.ok);
});
