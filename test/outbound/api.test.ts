import anyTest, { type TestFn } from 'ava';
import { startHttp, type HttpHandle } from '../../src/http/server.js';
import { A, B, openWorld, pdf, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ u: World; http: HttpHandle }>;
const PASSWORD = 'mat-khau-thu';

test.beforeEach(async t => {
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z'), env: { EDOC_API_TEST_PASSWORD: PASSWORD } });
  Object.assign(t.context.u.app.config, { http: { host: '127.0.0.1', port: 0, user: 'vanthu', passwordEnv: 'EDOC_API_TEST_PASSWORD' } });
  t.context.http = await startHttp(t.context.u.app);
});
test.afterEach.always(async t => {
  await t.context.http?.close();
  await t.context.u?.close();
});

const auth = { Authorization: `Basic ${Buffer.from(`vanthu:${PASSWORD}`).toString('base64')}` };

test('POST /api/documents submits; GET lists every recipient with its state; login required; bad input is a 400', async t => {
  const { http } = t.context;
  const body = { from: A.code, to: [B.code], files: [{ name: 'cv.pdf', contentBase64: (await pdf()).toString('base64') }], meta: { type: 'Công văn', summary: 'V/v qua API' } };
  t.is((await fetch(`${http.url}/api/documents`, { method: 'POST', body: JSON.stringify(body) })).status, 401);
  const created = await fetch(`${http.url}/api/documents`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  t.is(created.status, 201);
  const result = (await created.json()) as { numberNotation: string; recipients: unknown[] };
  t.is(result.numberNotation, '01/SYT');
  t.is((await t.context.u.app.db('outgoing_documents').first()).source, 'http');
  const retried = await fetch(`${http.url}/api/documents`, { method: 'POST', headers: { ...auth, 'Idempotency-Key': 'k1' }, body: JSON.stringify(body) });
  const again = await fetch(`${http.url}/api/documents`, { method: 'POST', headers: { ...auth, 'Idempotency-Key': 'k1' }, body: JSON.stringify(body) });
  t.is(((await retried.json()) as { numberNotation: string }).numberNotation, '02/SYT');
  t.is(((await again.json()) as { numberNotation: string }).numberNotation, '02/SYT', 'same key, same document');
  const list = (await (await fetch(`${http.url}/api/documents`, { headers: auth })).json()) as { lines: Array<{ recipient: string; state: string }> };
  t.deepEqual(list.lines.map(l => [l.recipient, l.state]), [[B.email, 'queued'], [B.email, 'queued']]);
  const bad = await fetch(`${http.url}/api/documents`, { method: 'POST', headers: auth, body: JSON.stringify({ ...body, meta: {} }) });
  t.is(bad.status, 400);
  t.regex(((await bad.json()) as { message: string }).message, /summary/);
  const missing = await fetch(`${http.url}/api/register/999/status`, { method: 'POST', headers: auth, body: JSON.stringify({ status: 'done' }) });
  t.is(missing.status, 404);
  const outbox = (await (await fetch(`${http.url}/api/outbox`, { headers: auth })).json()) as Array<{ kind: string; state: string }>;
  t.deepEqual(outbox.map(o => [o.kind, o.state]), [['document', 'queued'], ['document', 'queued']]);
});
