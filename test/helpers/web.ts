/**
 * The web app on a unit App (temporary SQLite, no mail server): accounts for every role, the
 * server listening on loopback, and a small cookie-keeping client that logs in, reads a page's
 * CSRF token and posts forms the way a browser does.
 */
import type { App } from '../../src/app.js';
import { insertAccount } from '../../src/db/accounts.js';
import { hashPassword } from '../../src/web/auth/passwords.js';
import { createToken } from '../../src/web/auth/tokens.js';
import { startWebServer, type WebHandle } from '../../src/web/server.js';
import { A, B, openWorld, stepClock, type World } from './world.js';

export const PASSWORD = 'mật-khẩu-đủ-dài-1';

/** Login names of the accounts every web test has. */
export const USERS = { operator: 'quantri', clerkA: 'vanthu.a', clerkB: 'vanthu.b', viewerA: 'lanhdao.a' } as const;

let passwordHashOnce: Promise<string> | undefined;

export type WebWorld = { u: World; app: App; web: WebHandle; url: string; clock: ReturnType<typeof stepClock>; tokens: { A: string; B: string }; close(): Promise<void> };

/** An App hosting A and B, with an operator, a clerk of each, a viewer of A, one API token per agency, and the web server. */
export async function openWebWorld(opts: { start?: string; http?: Record<string, unknown> } = {}): Promise<WebWorld> {
  const clock = stepClock(opts.start ?? '2026-11-21T03:00:00Z');
  const u = await openWorld(['soyte', 'ubnd'], { clock });
  const app = u.app;
  Object.assign(app.config.http, { host: '127.0.0.1', port: 0, rateLimitPerMinute: 100_000, ...opts.http });
  const now = clock.now();
  // The production scrypt hash of PASSWORD, made once per process: four hashes per world were most
  // of a web test's CPU (docs/testing.md §Unit suite speed). addUser's checks are tested through the
  // CLI (test/cli/users-tokens.test.ts) and the operator's page.
  const passwordHash = await (passwordHashOnce ??= hashPassword(PASSWORD));
  const seed = (username: string, displayName: string, role: 'operator' | 'clerk' | 'viewer', agencies: string[]) => insertAccount(app.db, { username, displayName, role, passwordHash, agencies }, now);
  await seed(USERS.operator, 'Quản trị viên', 'operator', []);
  await seed(USERS.clerkA, 'Văn thư Sở Y tế', 'clerk', [A.code]);
  await seed(USERS.clerkB, 'Văn thư UBND', 'clerk', [B.code]);
  await seed(USERS.viewerA, 'Lãnh đạo Sở', 'viewer', [A.code]);
  const tokens = { A: (await createToken(app.db, A.code, 'QLVB Sở Y tế', 'test', now)).token, B: (await createToken(app.db, B.code, 'QLVB UBND', 'test', now)).token };
  const web = await startWebServer(app);
  return { u, app, web, url: web.url, clock, tokens, close: async () => { await web.close(); await u.close(); } };
}

export type Response = { status: number; text: string; headers: Headers; location: string | null };

/** A browser-like client: keeps the session cookie, sends the page's origin, reads CSRF tokens. */
export class WebClient {
  cookie = '';
  constructor(readonly base: string) {}

  /** Send a request (no redirects followed: tests look at them). */
  async request(method: string, path: string, opts: { body?: RequestInit['body']; headers?: Record<string, string> } = {}): Promise<Response> {
    const res = await fetch(this.base + path, { method, redirect: 'manual', body: opts.body, headers: { ...(this.cookie ? { Cookie: this.cookie } : {}), ...opts.headers } });
    const set = res.headers.getSetCookie().find(c => c.startsWith('edoc_sid='));
    if (set) this.cookie = set.split(';')[0]!;
    return { status: res.status, text: await res.text(), headers: res.headers, location: res.headers.get('location') };
  }

  /** GET a page. */
  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  /** The CSRF token a page carries (the hidden `_csrf` field). */
  async csrf(path = '/login'): Promise<string> {
    const page = await this.get(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text) ?? /_csrf=([^"&]+)/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on ${path} (${page.status})`);
    return decodeURIComponent(m[1]!.replace(/&#x2F;|&#47;/g, '/').replace(/&#x3D;|&#61;/g, '='));
  }

  /** POST a urlencoded form as the page would (same Origin), with the given or a fresh CSRF token. */
  async post(path: string, form: Record<string, string>, opts: { csrf?: string | null; origin?: string | null; from?: string } = {}): Promise<Response> {
    const token = opts.csrf === undefined ? await this.csrf(opts.from ?? '/login') : opts.csrf;
    const body = new URLSearchParams({ ...form, ...(token !== null ? { _csrf: token } : {}) });
    const origin = opts.origin === undefined ? this.base : opts.origin;
    return this.request('POST', path, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(origin !== null ? { Origin: origin } : {}) } });
  }

  /** Log in; throws unless the login succeeded. */
  async login(username: string, password = PASSWORD): Promise<void> {
    const r = await this.post('/login', { username, password, next: '/' });
    if (r.status !== 303) throw new Error(`login of ${username} failed: ${r.status} ${r.text.slice(0, 200)}`);
  }
}
