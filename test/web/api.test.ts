import anyTest, { type TestFn } from 'ava';
import { validate } from '@readme/openapi-parser';
import { revokeToken } from '../../src/db/tokens.js';
import { A, B, C, pdf } from '../helpers/world.js';
import { openWebWorld, type WebWorld } from '../helpers/web.js';
import { addEntry } from '../helpers/web-data.js';

const test = anyTest as TestFn<{ w: WebWorld }>;
test.beforeEach(async t => {
  t.context.w = await openWebWorld();
});
test.afterEach.always(async t => {
  await t.context.w?.close();
});

const json = (token: string, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extra });

test('POST /api/documents needs a live bearer token; submits as its agency; Idempotency-Key returns the same document; bad input is a 400', async t => {
  const { w } = t.context;
  const body = { to: [C.code], files: [{ name: 'cv.pdf', contentBase64: (await pdf()).toString('base64') }], meta: { type: 'Công văn', summary: 'V/v qua API' } };
  const post = (headers: Record<string, string>, b: unknown = body) => fetch(`${w.url}/api/documents`, { method: 'POST', headers, body: JSON.stringify(b) });
  t.is((await post({ 'Content-Type': 'application/json' })).status, 401);
  t.is((await post(json('edoc_khong-hop-le'))).status, 401);
  const created = await post(json(w.tokens.A));
  t.is(created.status, 201);
  const first = (await created.json()) as { numberNotation: string; documentId: number };
  t.is(first.numberNotation, '01/SYT');
  t.is((await w.app.db('outgoing_documents').where({ id: first.documentId }).first()).agency_code, A.code);
  const k1 = (await (await post(json(w.tokens.A, { 'Idempotency-Key': 'k1' }))).json()) as { numberNotation: string };
  const k2 = (await (await post(json(w.tokens.A, { 'Idempotency-Key': 'k1' }))).json()) as { numberNotation: string };
  t.is(k1.numberNotation, '02/SYT');
  t.is(k2.numberNotation, '02/SYT', 'same key, same document');
  const bad = await post(json(w.tokens.A), { ...body, meta: {} });
  t.is(bad.status, 400);
  t.regex(((await bad.json()) as { message: string }).message, /summary/);
  t.is((await post(json(w.tokens.A), { ...body, files: [{ name: 'x.txt', contentBase64: Buffer.from('không phải PDF').toString('base64') }] })).status, 400);
  // Every API action is in the event log with its token.
  const audit: Array<{ data: string; agency_code: string }> = await w.app.db('events').where({ event: 'WEB_ACTION' }).orderBy('id');
  t.is(audit.length, 3, 'each accepted call is in the log (the repeat too, naming the same document)');
  t.is(JSON.parse(audit[1]!.data).numberNotation, JSON.parse(audit[2]!.data).numberNotation);
  const actor = (JSON.parse(audit[0]!.data) as { actor: { kind: string; name: string; address: string } }).actor;
  t.deepEqual([actor.kind, actor.name, actor.address], ['token', 'QLVB Sở Y tế', '127.0.0.1']);
});

test("register, status, recall and outbox over the API, scoped to the token's agency", async t => {
  const { w } = t.context;
  const entry = await addEntry(w.app, A.code, { summary: 'Quyết định về việc thử API' });
  const list = (await (await fetch(`${w.url}/api/register?q=quyet%20dinh`, { headers: json(w.tokens.A) })).json()) as { total: number; entries: Array<{ id: number }> };
  t.is(list.total, 1);
  t.is(list.entries[0]!.id, entry);
  const one = (await (await fetch(`${w.url}/api/register/${entry}`, { headers: json(w.tokens.A) })).json()) as { attachments: unknown[]; history: unknown[] };
  t.is(one.attachments.length, 1);
  const done = await fetch(`${w.url}/api/register/${entry}/status`, { method: 'POST', headers: json(w.tokens.A), body: JSON.stringify({ status: 'done', note: 'Đã xong' }) });
  t.is(done.status, 200);
  t.like((await done.json()) as object, { status: 'done', code: '06', queued: true });
  const again = await fetch(`${w.url}/api/register/${entry}/status`, { method: 'POST', headers: json(w.tokens.A), body: JSON.stringify({ status: 'done' }) });
  t.is(again.status, 409);
  t.is((await fetch(`${w.url}/api/register/${entry}/status`, { method: 'POST', headers: json(w.tokens.A), body: JSON.stringify({ status: 'lung-tung' }) })).status, 400);
  const outbox = (await (await fetch(`${w.url}/api/outbox`, { headers: json(w.tokens.A) })).json()) as Array<{ subject: string; to_address: string }>;
  t.is(outbox.length, 1);
  t.regex(outbox[0]!.subject, /06/);
  t.is(outbox[0]!.to_address, 'vanthu@ubnd.vinhlong.test');
  t.deepEqual((await (await fetch(`${w.url}/api/outbox`, { headers: json(w.tokens.B) })).json()) as unknown[], []);
  const doc = (await (await fetch(`${w.url}/api/documents`, { method: 'POST', headers: json(w.tokens.B), body: JSON.stringify({ to: [C.code], files: [{ name: 'a.pdf', contentBase64: (await pdf()).toString('base64') }], meta: { summary: 'V/v thu hồi' } }) })).json()) as { documentId: number; numberNotation: string };
  const recalled = await fetch(`${w.url}/api/documents/${encodeURIComponent(doc.numberNotation)}/recall`, { method: 'POST', headers: json(w.tokens.B), body: JSON.stringify({ reason: 'Sai sót' }) });
  t.is(recalled.status, 200);
  t.is((await w.app.db('outgoing_documents').where({ id: doc.documentId }).first()).state, 'recalled');
  const tracking = (await (await fetch(`${w.url}/api/documents`, { headers: json(w.tokens.B) })).json()) as { lines: Array<{ agency: string }> };
  t.true(tracking.lines.length > 0 && tracking.lines.every(l => l.agency === B.code));
});

test('a revoked token stops working at once', async t => {
  const { w } = t.context;
  const ok = await fetch(`${w.url}/api/outbox`, { headers: json(w.tokens.A) });
  t.is(ok.status, 200);
  const row = await w.app.db('api_tokens').where({ agency_code: A.code }).first('id', 'last_used_at', 'token_hash');
  t.truthy(row.last_used_at, 'use is noted');
  t.false(row.token_hash.includes(w.tokens.A.slice(5)), 'only a hash is stored');
  t.true(await revokeToken(w.app.db, row.id, w.clock.now()));
  t.is((await fetch(`${w.url}/api/outbox`, { headers: json(w.tokens.A) })).status, 401);
});

test('the OpenAPI document validates and lists every API route with its method', async t => {
  const { w } = t.context;
  const res = await fetch(`${w.url}/api/openapi.json`);
  t.is(res.status, 200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  const result = await validate(structuredClone(doc) as never);
  t.true(result.valid, JSON.stringify((result as { errors?: unknown }).errors));
  const api = w.web.server.routes.filter(r => r.config.auth === 'bearer');
  t.true(api.length >= 7);
  for (const r of api) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    t.truthy(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} is in the OpenAPI document`);
  }
  t.deepEqual(Object.keys(doc.paths).filter(p => !p.startsWith('/api/')), [], 'no page or probe is in it');
  // The validator is not a rubber stamp: a broken document fails.
  const broken = structuredClone(doc) as { paths: Record<string, Record<string, { responses?: unknown }>> };
  broken.paths['/api/outbox']!.get!.responses = 'nothing';
  t.false((await validate(broken as never)).valid);
});
