import test from 'ava';
import { fill, render } from '../../src/compose/templates.js';

test('placeholders are filled, escaped in HTML, blocks kept only when set', t => {
  const tpl = 'A {{x}}{{#y}} B {{y}}{{/y}}.';
  t.is(fill(tpl, { x: '<b>&', y: '' }, false), 'A <b>&.');
  t.is(fill(tpl, { x: '<b>&', y: 'z"' }, true), 'A &lt;b&gt;&amp; B z&quot;.');
  t.throws(() => fill('{{missing}}', {}, false), { message: /missing/ });
});

test('the status and refusal templates render Vietnamese NFC text', async t => {
  const params = {
    recipientName: 'Ủy ban nhân dân tỉnh Vĩnh Long', agencyName: 'Sở Y tế', agencyEmail: 'vanthu@soyte.vn', numberNotation: '12/QĐ-UBND',
    documentDate: '15/05/2019', summary: 'Về việc <thử>', statusCode: '03', statusLabel: 'Đã tiếp nhận', timestamp: '15/05/2019 10:00',
    arrivalNumber: '7', year: '2019', note: '', reason: 'Thiếu chữ ký', mailSubject: 'QĐ 12',
  };
  const status = await render('status', params);
  t.regex(status.text, /Số đến: 7 \(sổ văn bản đến năm 2019\)/);
  t.false(status.text.includes('Ghi chú'), 'empty note block dropped');
  t.regex(status.html, /Về việc &lt;thử&gt;/);
  t.is(status.text, status.text.normalize('NFC'));
  const refusal = await render('refusal', params);
  t.regex(refusal.text, /TỪ CHỐI TIẾP NHẬN[\s\S]*Lý do: Thiếu chữ ký/);
});
