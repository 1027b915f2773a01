import anyTest, { type TestFn } from 'ava';
import { A } from '../helpers/world.js';
import { openWebWorld, USERS, WebClient, type WebWorld } from '../helpers/web.js';
import { addEntry } from '../helpers/web-data.js';
import type { RouteInfo } from '../../src/web/server.js';

const test = anyTest as TestFn<{ w: WebWorld }>;

test.before(async t => {
  t.context.w = await openWebWorld();
  await addEntry(t.context.w.app, A.code);
});
test.after.always(async t => {
  await t.context.w?.close();
});

/** A concrete path for a route: parameters filled with values that exist (or at least parse). */
function concrete(url: string): string {
  return url.replace(':agency', encodeURIComponent(A.code)).replace(/:(id|file|ref|recipient)/g, '1').replace(':n', '0');
}

/** Every state-changing route that a browser session can reach, straight from the server. */
function sessionWrites(routes: RouteInfo[]): RouteInfo[] {
  return routes.filter(r => r.method !== 'GET' && r.config.auth !== 'bearer');
}

/** Events that actions leave; a refused request must leave none. */
async function actionCount(w: WebWorld): Promise<number> {
  const [row] = await w.app.db('events').whereIn('event', ['WEB_ACTION', 'ENTRY_STATUS', 'SUBMIT_REGISTERED', 'RECALL_SENT', 'WEB_LOGOUT']).count('* as n');
  return Number((row as { n: number }).n);
}

test('the route list comes from the server and covers the forms', t => {
  const writes = sessionWrites(t.context.w.web.server.routes).map(r => `${r.method} ${r.url}`);
  for (const known of ['POST /login', 'POST /logout', 'POST /a/:agency/entries/:id/status', 'POST /a/:agency/outgoing/drafts/:id/send', 'POST /a/:agency/outgoing/:id/recall', 'POST /ops/quarantine/:id/release', 'POST /ops/orphans/:id/attach']) {
    t.true(writes.includes(known), known);
  }
});

test('every state-changing form route refuses a foreign Origin, a cross-site fetch, a missing and a wrong CSRF token', async t => {
  const { w } = t.context;
  const routes = sessionWrites(w.web.server.routes);
  t.true(routes.length >= 15, `only ${routes.length} routes`);
  for (const r of routes) {
    const path = concrete(r.url);
    const c = new WebClient(w.url);
    await c.login(USERS.operator);
    const token = await c.csrf('/account');
    const before = await actionCount(w);
    const foreign = await c.post(path, { confirm: 'yes', status: 'done', reason: 'x' }, { csrf: token, origin: 'https://evil.example' });
    t.is(foreign.status, 403, `${r.method} ${r.url}: foreign Origin`);
    const fetchSite = await c.request('POST', path, { body: new URLSearchParams({ _csrf: token, confirm: 'yes' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site' } });
    t.is(fetchSite.status, 403, `${r.method} ${r.url}: Sec-Fetch-Site cross-site`);
    const missing = await c.post(path, { confirm: 'yes', status: 'done', reason: 'x' }, { csrf: null });
    t.is(missing.status, 403, `${r.method} ${r.url}: no token`);
    const wrong = await c.post(path, { confirm: 'yes', status: 'done', reason: 'x' }, { csrf: token.slice(0, -4) + 'AAAA' });
    t.is(wrong.status, 403, `${r.method} ${r.url}: wrong token`);
    const json = await c.request('POST', path, { body: JSON.stringify({ _csrf: 'x', status: 'done' }), headers: { 'Content-Type': 'application/json', Origin: w.url } });
    t.is(json.status, 403, `${r.method} ${r.url}: JSON body without a valid token`);
    t.is(await actionCount(w), before, `${r.method} ${r.url}: a refused request changed nothing`);
    // The control: the same request, same origin, right token, is not refused as cross-site.
    const good = await c.post(path, { confirm: 'no', status: 'nothing', reason: '' }, { csrf: token });
    t.not(good.status, 403, `${r.method} ${r.url}: a same-site request with its token passes the CSRF check (got ${good.status})`);
  }
});

test('API routes ignore the session cookie: a logged-in browser cannot post to them', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.operator);
  const api = w.web.server.routes.filter(r => r.config.auth === 'bearer' && r.method !== 'GET');
  t.true(api.length >= 3);
  for (const r of api) {
    const path = r.url.replace(':ref', '1').replace(':id', '1');
    const viaCookie = await c.request('POST', path, { body: JSON.stringify({ status: 'done', reason: 'x', to: [A.code], files: [], meta: {} }), headers: { 'Content-Type': 'application/json' } });
    t.is(viaCookie.status, 401, `${r.url} with a session cookie only`);
    const form = await c.request('POST', path, { body: 'status=done', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${w.tokens.A}` } });
    t.is(form.status, 415, `${r.url}: a form body is not accepted by the API`);
    const text = await c.request('POST', path, { body: '{"status":"done"}', headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${w.tokens.A}` } });
    t.is(text.status, 415, `${r.url}: a text/plain body (a "simple" cross-site fetch) is not accepted`);
  }
});

test('the session cookie is HttpOnly and SameSite=Strict; Secure over TLS (a trusted proxy saying https)', async t => {
  const plain = await fetch(`${t.context.w.url}/login`);
  const cookie = plain.headers.getSetCookie().find(c => c.startsWith('edoc_sid='))!;
  t.regex(cookie, /HttpOnly/i);
  t.regex(cookie, /SameSite=Strict/i);
  t.notRegex(cookie, /Secure/i);
  const w2 = await openWebWorld({ http: { trustProxy: true } });
  try {
    const tls = await fetch(`${w2.url}/login`, { headers: { 'X-Forwarded-Proto': 'https' } });
    t.regex(tls.headers.getSetCookie().find(c => c.startsWith('edoc_sid='))!, /Secure/i);
  } finally {
    await w2.close();
  }
});

test('pages forbid framing and caching; the CSP allows only our own scripts', async t => {
  const c = new WebClient(t.context.w.url);
  await c.login(USERS.clerkA);
  const page = await c.get(`/a/${encodeURIComponent(A.code)}/register`);
  t.is(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  t.regex(csp, /frame-ancestors 'none'/);
  t.regex(csp, /script-src 'self'/);
  t.notRegex(csp, /unsafe-inline/);
  t.is(page.headers.get('x-frame-options'), 'DENY');
  t.is(page.headers.get('cache-control'), 'no-store');
});
