import test from 'ava';
import { EDXML_NS, normalizeStatusCode, STATUS_CODES, type StatusCode } from '../../src/edxml/codes.js';
import { detectEdxml } from '../../src/edxml/detect.js';
import { buildStatus, parseStatus } from '../../src/edxml/status.js';

const labels: Array<[StatusCode, string]> = [
  ['01', 'Đã đến'], ['02', 'Từ chối tiếp nhận'], ['03', 'Đã tiếp nhận'], ['04', 'Đã phân công'], ['05', 'Đang xử lý'],
  ['06', 'Hoàn thành'], ['13', 'Yêu cầu thu hồi'], ['15', 'Đồng ý thu hồi'], ['16', 'Từ chối thu hồi'],
];

test('the nine status codes and their labels', t => {
  t.deepEqual(Object.keys(STATUS_CODES).sort(), labels.map(l => l[0]));
  for (const [code, label] of labels) t.is(STATUS_CODES[code].label, label);
  t.is(normalizeStatusCode('3'), '03');
  t.is(normalizeStatusCode(13), '13');
  t.is(normalizeStatusCode('07'), null);
  t.is(normalizeStatusCode('x'), null);
});

for (const [code] of labels) {
  test(`status ${code} round trip`, t => {
    const xml = buildStatus({
      responseFor: { organId: '000.00.00.H62', code: '12/QĐ-UBND', promulgationDate: '2019-05-15', documentId: 'D1' },
      from: { organId: '000.00.31.H62', organName: 'Sở Nội vụ' },
      statusCode: code,
      description: 'Lý do <có ký tự> & đặc biệt',
      timestamp: '2019-05-15T03:02:11Z',
      staff: { staff: 'Lê Văn Thư', email: 'thu@snv.vn' },
    });
    t.true(xml.includes(`<edXML:Status xmlns:edXML="${EDXML_NS}">`));
    t.is(detectEdxml(xml), 'status');
    const p = parseStatus(xml);
    t.true(p.ok);
    t.is(p.statusCode, code);
    t.deepEqual(p.responseFor, { organId: '000.00.00.H62', code: '12/QĐ-UBND', promulgationDate: '2019-05-15', documentId: 'D1' });
    t.deepEqual(p.from, { organId: '000.00.31.H62', organName: 'Sở Nội vụ' });
    t.is(p.description, 'Lý do <có ký tự> & đặc biệt');
    t.is(p.timestamp, '2019-05-15T10:02:11+07:00');
    t.deepEqual(p.staff, { staff: 'Lê Văn Thư', email: 'thu@snv.vn' });
  });
}

test('SOAP-wrapped status from a C# peer, dd/MM/yyyy, SOAP namespace on the prefix', t => {
  const xml = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header>
<edXML:Status xmlns:edXML="http://schemas.xmlsoap.org/soap/envelope/"><edXML:ResponseFor><edXML:OrganId>X</edXML:OrganId><edXML:Code>12/UBND-VP</edXML:Code><edXML:PromulgationDate>15/05/2019</edXML:PromulgationDate></edXML:ResponseFor>
<edXML:StatusCode>3</edXML:StatusCode><edXML:Timestamp>15/05/2019 10:02:11</edXML:Timestamp></edXML:Status></SOAP-ENV:Header><SOAP-ENV:Body/></SOAP-ENV:Envelope>`;
  t.is(detectEdxml(xml), 'status');
  const p = parseStatus(xml);
  t.true(p.ok);
  t.is(p.statusCode, '03');
  t.is(p.responseFor?.promulgationDate, '2019-05-15');
  t.is(p.timestamp, '2019-05-15T10:02:11+07:00');
});

const bad: Array<[string, string, string]> = [
  ['unknown code', `<Status><StatusCode>09</StatusCode></Status>`, 'unknown StatusCode 09'],
  ['no code', `<Status><Description>x</Description></Status>`, 'no StatusCode'],
  ['no Status', `<Other/>`, 'no Status element'],
  ['garbage', `<<<`, 'not well-formed'],
];
for (const [name, xml, err] of bad) {
  test(`status garbage: ${name}`, t => {
    const p = parseStatus(xml);
    t.false(p.ok);
    t.true(p.errors.some(e => e.includes(err)), p.errors.join());
  });
}
