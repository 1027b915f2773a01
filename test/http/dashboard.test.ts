import anyTest, { type TestFn } from 'ava';
import { startHttp, type HttpHandle } from '../../src/http/server.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { entry } from '../helpers/factories.js';
import { A, openWorld, pdf, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ u: World; http: HttpHandle }>;
const auth = { Authorization: 'Basic ' + Buffer.from('vanthu:mật-khẩu').toString('base64') };

test.beforeEach(async t => {
  t.context.u = await openWorld(['soyte'], { clock: stepClock('2026-11-21T03:00:00Z'), env: { EDOC_DASH_TEST_PASSWORD: 'mật-khẩu' } });
  Object.assign(t.context.u.app.config, { http: { host: '127.0.0.1', port: 0, user: 'vanthu', passwordEnv: 'EDOC_DASH_TEST_PASSWORD' } });
  t.context.http = await startHttp(t.context.u.app);
});
test.afterEach.always(async t => {
  await t.context.http?.close();
  await t.context.u?.close();
});

test('probes are open; every page needs the login', async t => {
  const { url } = t.context.http;
  t.is((await fetch(`${url}/healthz`)).status, 200);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  t.regex(metrics, /# TYPE edoc_received_mails gauge/);
  for (const page of ['/register', '/outgoing', '/quarantine']) {
    t.is((await fetch(url + page)).status, 401, page);
    t.is((await fetch(url + page, { headers: { Authorization: 'Basic ' + Buffer.from('vanthu:sai').toString('base64') } })).status, 401);
    t.is((await fetch(url + page, { headers: auth })).status, 200, page);
  }
});

test('what senders wrote is escaped on the register page', async t => {
  const { db } = t.context.u.app;
  await entry(db, { agencyCode: A.code, arrivalNumber: 1, arrivalAt: new Date('2026-11-21T02:00:00Z'), summary: '<script>alert("x")</script> Về việc thử', issuerName: 'Cơ quan "A" & B' });
  const html = await (await fetch(`${t.context.http.url}/register`, { headers: auth })).text();
  t.false(html.includes('<script>alert'));
  t.true(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Về việc thử'));
  t.true(html.includes('Cơ quan &quot;A&quot; &amp; B'));
  const headers = (await fetch(`${t.context.http.url}/register`, { headers: auth })).headers;
  t.regex(headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

test('the outgoing page lists each recipient with its state', async t => {
  const meta = parseSubmissionMeta({ type: 'Công văn', summary: 'V/v <thử> theo dõi' });
  await submitDocument(t.context.u.app, { agencyCode: A.code, to: ['vanthu@ubnd.vinhlong.test', 'vanthu@stc.vinhlong.test'], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' });
  const html = await (await fetch(`${t.context.http.url}/outgoing`, { headers: auth })).text();
  t.regex(html, /Theo dõi văn bản đi/);
  t.regex(html, /vanthu@ubnd\.vinhlong\.test/);
  t.regex(html, /vanthu@stc\.vinhlong\.test/);
  t.regex(html, /V\/v &lt;thử&gt; theo dõi/);
  t.regex(html, /Phản hồi không khớp văn bản nào/);
});
