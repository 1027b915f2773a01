import anyTest, { type TestFn } from 'ava';
import { accountByUsername } from '../../src/db/accounts.js';
import { insertDraft } from '../../src/db/drafts.js';
import { listTokens } from '../../src/db/tokens.js';
import type { RouteInfo } from '../../src/web/server.js';
import { A, B, C, pdf } from '../helpers/world.js';
import { openWebWorld, USERS, WebClient, type WebWorld } from '../helpers/web.js';
import { addEntry, addOrphan, addOutgoing, addQuarantined } from '../helpers/web-data.js';

type Ids = { entry: number; file: number; doc: number; draft: number; quarantine: number; orphan: number; account: number; token: number };
const test = anyTest as TestFn<{ w: WebWorld; b: Ids }>;

test.before(async t => {
  const w = await openWebWorld();
  const { app } = w;
  await addEntry(app, A.code, { summary: 'Văn bản của A' });
  const entry = await addEntry(app, B.code, { summary: 'Bí mật của UBND' });
  const file = Number((await app.db('attachments').where({ entry_id: entry }).first('id')).id);
  const doc = (await addOutgoing(app, B.code, [C.code], 'Văn bản đi của UBND')).documentId;
  const blob = await app.ports.blobs.put(await pdf());
  const clerkB = (await accountByUsername(app.db, USERS.clerkB))!;
  const draft = await insertDraft(app.db, { agencyCode: B.code, accountId: clerkB.id, files: [{ name: 'nhap.pdf', role: 'main', sha256: blob.sha256, size: blob.size }], form: { to: [C.code], meta: { type: 'Công văn', summary: 'nháp', signer: {}, urgency: 'normal' } } }, app.ports.clock.now());
  const quarantine = await addQuarantined(app, B.code, { subject: 'Thư hỏng của UBND' });
  const orphan = await addOrphan(app, B.code);
  const token = (await listTokens(app.db, B.code))[0]!.id;
  t.context = { w, b: { entry, file, doc, draft, quarantine, orphan, account: clerkB.id, token } };
});
test.after.always(async t => {
  await t.context.w?.close();
});

/**
 * The id each route's parameters take to point at agency B's things. A route this table does not
 * know fails the test: a new route must say how it is scoped.
 */
function pathFor(r: RouteInfo, b: Ids, agency: string): string {
  const id = (): number => {
    const u = r.url;
    if (u.includes('/entries/') || u.startsWith('/api/register/')) return b.entry;
    if (u.includes('/outgoing/drafts/')) return b.draft;
    if (u.includes('/outgoing/') || u.startsWith('/api/documents/')) return b.doc;
    if (u.startsWith('/ops/quarantine/')) return b.quarantine;
    if (u.startsWith('/ops/orphans/')) return b.orphan;
    if (u.startsWith('/ops/users/')) return b.account;
    if (u.startsWith('/ops/tokens/')) return b.token;
    throw new Error(`the tenancy table does not know ${r.method} ${r.url}: add it`);
  };
  return r.url
    .replace(':agency', encodeURIComponent(agency))
    .replace(/:(id|ref)\b/, () => String(id()))
    .replace(':file', String(b.file))
    .replace(':n', '0');
}

/** Routes that belong to an agency or to the operator (the others — login, own account — belong to no agency). */
function scopedRoutes(routes: RouteInfo[]): RouteInfo[] {
  return routes.filter(r => r.config.auth !== 'public' && r.config.auth !== 'bearer' && (r.url.includes(':') || r.config.operatorOnly));
}

test("a clerk of A gets 404 on every route to B's things: B's agency path, B's ids under A's path, operator pages", async t => {
  const { w, b } = t.context;
  const routes = scopedRoutes(w.web.server.routes);
  t.true(routes.length >= 35, `${routes.length} routes`);
  const c = new WebClient(w.url);
  await c.login(USERS.clerkA);
  const token = await c.csrf('/account');
  for (const r of routes) {
    const variants = [pathFor(r, b, B.code)];
    if (r.url.startsWith('/a/:agency/') && /:(id|file|n)\b/.test(r.url)) variants.push(pathFor(r, b, A.code));
    for (const path of variants) {
      const res = r.method === 'GET' ? await c.get(path) : await c.post(path, { confirm: 'yes', status: 'done', reason: 'x', recipient: '1', agency: B.code, name: 'x', password: 'mật-khẩu-mới-dài' }, { csrf: token });
      t.is(res.status, 404, `${r.method} ${path}`);
      t.false(res.text.includes('Bí mật của UBND') || res.text.includes('Thư hỏng của UBND'), `${r.method} ${path} shows nothing of B`);
    }
  }
  const entry = await w.app.db('register_entries').where({ id: b.entry }).first('status');
  t.is(entry.status, 'registered', "B's entry did not move");
  t.is((await w.app.db('quarantine').where({ id: b.quarantine }).first('state')).state, 'open');
});

test("the control: B's clerk opens the same pages (so the 404s above are the scope, not broken routes)", async t => {
  const { w, b } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.clerkB);
  const gets = scopedRoutes(w.web.server.routes).filter(r => r.method === 'GET' && r.url.startsWith('/a/:agency/'));
  for (const r of gets) {
    const res = await c.get(pathFor(r, b, B.code));
    t.true(res.status === 200 || res.status === 303, `${r.url}: ${res.status}`);
  }
  const op = new WebClient(w.url);
  await op.login(USERS.operator);
  t.is((await op.get(`/ops/quarantine/${b.quarantine}`)).status, 200);
});

test("the API: A's token gets 404 for B's entries and documents, cannot submit as B, and lists only A's things", async t => {
  const { w, b } = t.context;
  const auth = { Authorization: `Bearer ${w.tokens.A}`, 'Content-Type': 'application/json' };
  const call = (method: string, path: string, body?: unknown) => fetch(w.url + path, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const api = w.web.server.routes.filter(r => r.config.auth === 'bearer' && /:(id|ref)/.test(r.url));
  t.true(api.length >= 3);
  for (const r of api) {
    const res = await call(r.method, pathFor(r, b, B.code), r.method === 'POST' ? { status: 'done', reason: 'thu hồi' } : undefined);
    t.is(res.status, 404, `${r.method} ${r.url}`);
  }
  const submit = await call('POST', '/api/documents', { from: B.code, to: [C.code], files: [{ name: 'a.pdf', contentBase64: (await pdf()).toString('base64') }], meta: { summary: 'giả danh' } });
  t.is(submit.status, 404);
  for (const path of ['/api/documents', '/api/register', '/api/outbox']) {
    const text = await (await call('GET', path)).text();
    t.false(text.includes('UBND') && text.includes('Văn bản đi của UBND'), path);
    t.false(text.includes('Bí mật của UBND'), path);
  }
  const mine = await (await fetch(`${w.url}/api/register/${b.entry}`, { headers: { Authorization: `Bearer ${w.tokens.B}` } })).json() as { summary: string };
  t.is(mine.summary, 'Bí mật của UBND', "B's own token reads it (control)");
});
