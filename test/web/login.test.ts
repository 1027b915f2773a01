import anyTest, { type TestFn } from 'ava';
import { accountByUsername, disableAccount } from '../../src/db/accounts.js';
import { LOCKOUT } from '../../src/web/auth/lockout.js';
import { A } from '../helpers/world.js';
import { openWebWorld, PASSWORD, USERS, WebClient, type WebWorld } from '../helpers/web.js';

const test = anyTest as TestFn<{ w: WebWorld }>;
test.beforeEach(async t => {
  t.context.w = await openWebWorld();
});
test.afterEach.always(async t => {
  await t.context.w?.close();
});

async function events(w: WebWorld, event: string): Promise<Array<{ data: Record<string, unknown> }>> {
  const rows: Array<{ data: string }> = await w.app.db('events').where({ event }).orderBy('id');
  return rows.map(r => ({ data: JSON.parse(r.data) as Record<string, unknown> }));
}

test('20 wrong passwords lock the account for a while; every failure and the lock are logged with name and address', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  for (let i = 0; i < 20; i++) {
    const r = await c.post('/login', { username: USERS.clerkA, password: `sai-${i}` });
    t.true(r.status === 401 || r.status === 429, `attempt ${i + 1}: ${r.status}`);
    if (i >= LOCKOUT.ACCOUNT_LIMIT) t.is(r.status, 429, `attempt ${i + 1} is refused as locked`);
  }
  const right = await c.post('/login', { username: USERS.clerkA, password: PASSWORD });
  t.is(right.status, 429, 'even the right password is refused while locked');
  t.regex(right.text, /tạm bị khóa/);
  const failed = await events(w, 'WEB_LOGIN_FAILED');
  t.is(failed.length, 21);
  t.true(failed.every(f => f.data.username === USERS.clerkA && f.data.address === '127.0.0.1'));
  t.deepEqual(failed.slice(0, LOCKOUT.ACCOUNT_LIMIT).map(f => f.data.reason), Array(LOCKOUT.ACCOUNT_LIMIT).fill('password'));
  t.is(failed.at(-1)!.data.reason, 'locked');
  const locks = await events(w, 'WEB_LOGIN_LOCKED');
  t.deepEqual(locks.map(l => l.data.scope), ['account']);
  t.true(w.u.log.lines.some(l => l.event === 'WEB_LOGIN_LOCKED'));
  // Another account from the same address is not locked by it, and the lock ends.
  await new WebClient(w.url).login(USERS.clerkB);
  w.clock.advance(LOCKOUT.BASE_LOCK_MS + 1000);
  await c.login(USERS.clerkA);
  t.is((await events(w, 'WEB_LOGIN')).length, 2);
});

test('the lock doubles when the guessing goes on after it ends', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  const fail = async (n: number) => {
    for (let i = 0; i < n; i++) await c.post('/login', { username: USERS.clerkA, password: 'sai' });
  };
  await fail(LOCKOUT.ACCOUNT_LIMIT);
  const first = await w.app.db('login_attempts').where({ scope: 'account', key: USERS.clerkA }).first();
  w.clock.advance(LOCKOUT.BASE_LOCK_MS + 1000);
  await fail(LOCKOUT.ACCOUNT_LIMIT);
  const second = await w.app.db('login_attempts').where({ scope: 'account', key: USERS.clerkA }).first();
  const length = (row: { locked_until: string }) => Date.parse(row.locked_until) - w.clock.now().getTime();
  t.true(length(second) > LOCKOUT.BASE_LOCK_MS * 1.9, `second lock ${length(second)} ms`);
  t.true(Date.parse(first.locked_until) < Date.parse(second.locked_until));
});

test('one address guessing many names is locked as an address', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  for (let i = 0; i < LOCKOUT.ADDRESS_LIMIT; i++) await c.post('/login', { username: `khong-co-${i}`, password: 'sai' });
  const r = await c.post('/login', { username: USERS.clerkB, password: PASSWORD });
  t.is(r.status, 429);
  t.deepEqual((await events(w, 'WEB_LOGIN_LOCKED')).map(l => l.data.scope), ['address']);
});

test('a failed login says the same for an unknown name, a wrong password and a disabled account', async t => {
  const { w } = t.context;
  t.true(await disableAccount(w.app.db, (await accountByUsername(w.app.db, USERS.viewerA))!.id, w.clock.now()));
  const c = new WebClient(w.url);
  const texts = [];
  for (const [u, p] of [['khong-ai', PASSWORD], [USERS.clerkA, 'sai-mat-khau'], [USERS.viewerA, PASSWORD]]) {
    const r = await c.post('/login', { username: u!, password: p! });
    t.is(r.status, 401);
    texts.push(/<p class="error"[^>]*>([^<]*)</.exec(r.text)?.[1]);
  }
  t.is(new Set(texts).size, 1);
  t.deepEqual((await events(w, 'WEB_LOGIN_FAILED')).map(f => f.data.reason), ['unknown', 'password', 'disabled']);
});

test('logout, expiry, a password change and disabling end the session; the session id changes at login', async t => {
  const { w } = t.context;
  const page = `/a/${encodeURIComponent(A.code)}/register`;
  const c = new WebClient(w.url);
  await c.get('/login');
  const anonymous = c.cookie;
  await c.login(USERS.clerkA);
  t.not(c.cookie, anonymous, 'a new session id at login');
  t.is((await c.get(page)).status, 200);
  const kept = c.cookie;
  await c.post('/logout', {}, { from: page });
  c.cookie = kept; // a stolen copy of the old cookie is worth nothing after logout
  const after = await c.get(page);
  t.is(after.status, 303);
  t.regex(after.location ?? '', /^\/login\?next=/);

  await c.login(USERS.clerkA);
  w.clock.advance(w.app.config.http.sessionHours * 3600_000 + 1000);
  t.is((await c.get(page)).status, 303, 'expired');

  const d = new WebClient(w.url);
  await d.login(USERS.clerkA);
  const op = new WebClient(w.url);
  await op.login(USERS.operator);
  const account = await w.app.db('accounts').where({ username: USERS.clerkA }).first('id');
  t.is((await op.post(`/ops/users/${account.id}/password`, { password: 'mật-khẩu-mới-rất-dài' }, { from: '/ops/users' })).status, 303);
  t.is((await d.get(page)).status, 303, 'a password change ends the sessions');
  await d.login(USERS.clerkA, 'mật-khẩu-mới-rất-dài');
  t.is((await op.post(`/ops/users/${account.id}/disable`, { confirm: 'yes' }, { from: '/ops/users' })).status, 303);
  t.is((await d.get(page)).status, 303, 'disabling ends the sessions');
  const audit = await events(w, 'WEB_ACTION');
  t.deepEqual(audit.map(a => a.data.action), ['user.password', 'user.disable']);
  t.regex(String((audit[0]!.data.actor as { label: string }).label), /Quản trị viên \(quantri\)/);
});

test('a viewer reads but cannot change anything', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.viewerA);
  const page = `/a/${encodeURIComponent(A.code)}/register`;
  t.is((await c.get(page)).status, 200);
  const r = await c.post(`/a/${encodeURIComponent(A.code)}/entries/1/status`, { status: 'done' }, { from: page });
  t.is(r.status, 403);
});

test('after login the clerk goes back where they were going, never to another site', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  const r = await c.post('/login', { username: USERS.clerkA, password: PASSWORD, next: '//evil.example/x' });
  t.is(r.location, '/');
  const d = new WebClient(w.url);
  const s = await d.post('/login', { username: USERS.clerkA, password: PASSWORD, next: '/account' });
  t.is(s.location, '/account');
});
