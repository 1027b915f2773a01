import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { accountByUsername } from '../../db/accounts.js';
import { appendEvent } from '../../db/events.js';
import { changePassword, normaliseUsername } from '../auth/accounts.js';
import { lockState, recordFailure, recordSuccess } from '../auth/lockout.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../auth/passwords.js';
import { audit } from '../audit.js';
import { BridgeError, errorSpec } from '../../errors.js';
import { when } from '../format.js';
import { agenciesFor, flash, page } from '../views.js';

/** Only a path on this site may be a place to go back to after login (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * Login, logout, the account's own password, and the home page (docs/security.md §Sessions,
 * §Lockout). A failed login says the same whatever failed (unknown name, wrong password,
 * disabled), takes as long, and is counted for the name and the address.
 */
export function authRoutes(app: App): FastifyPluginAsync {
  const log = async (event: 'WEB_LOGIN' | 'WEB_LOGIN_FAILED' | 'WEB_LOGIN_LOCKED' | 'WEB_LOGOUT', req: FastifyRequest, data: Record<string, unknown>, accountId?: number) => {
    const now = app.ports.clock.now();
    await appendEvent(app.db, now, { event, refType: accountId ? 'account' : undefined, refId: accountId, data: { ...data, address: req.ip } });
    (event === 'WEB_LOGIN_FAILED' || event === 'WEB_LOGIN_LOCKED' ? app.ports.log.warn : app.ports.log.info).call(app.ports.log, event, { ...data, address: req.ip });
  };
  return async f => {
    f.get<{ Querystring: { agency?: string } }>('/', { schema: { hide: true } }, async (req, reply) => {
      const mine = agenciesFor(app, req);
      const chosen = mine.find(a => a.code === req.query.agency);
      if (chosen) return reply.redirect(`/a/${encodeURIComponent(chosen.code)}/register`, 303);
      if (req.account?.role === 'operator') return reply.redirect('/ops/health', 303);
      const first = mine[0];
      return reply.redirect(first ? `/a/${encodeURIComponent(first.code)}/register` : '/account', 303);
    });

    f.get<{ Querystring: { next?: string } }>('/login', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => page(app, req, reply, 'login', { next: safeNext(req.query.next), error: null }));

    f.post<{ Body: { username?: string; password?: string; next?: string } }>(
      '/login',
      { config: { auth: 'public', rateLimit: { max: Math.max(10, Math.ceil(app.config.http.rateLimitPerMinute / 20)), timeWindow: '1 minute' } }, schema: { hide: true } },
      async (req, reply) => {
        const username = normaliseUsername(String(req.body?.username ?? '')).slice(0, 64);
        const password = String(req.body?.password ?? '');
        const next = safeNext(req.body?.next);
        const now = app.ports.clock.now();
        const locked = await lockState(app.db, username, req.ip, now);
        if (locked) {
          await log('WEB_LOGIN_FAILED', req, { username, reason: 'locked', until: locked.toISOString() });
          return page(app, req, reply, 'login', { next, error: `Đăng nhập tạm bị khóa do nhập sai nhiều lần. Thử lại sau ${when(locked.toISOString())}, hoặc liên hệ quản trị viên.` }, errorSpec('LOGIN_LOCKED').http);
        }
        const account = username ? await accountByUsername(app.db, username) : undefined;
        const matches = await verifyPassword(password, account?.password_hash ?? (await DUMMY_HASH_PROMISE));
        if (!account || !matches || account.disabled_at) {
          const reason = !account ? 'unknown' : !matches ? 'password' : 'disabled';
          await log('WEB_LOGIN_FAILED', req, { username, reason }, account?.id);
          for (const l of await recordFailure(app.db, username, req.ip, now)) await log('WEB_LOGIN_LOCKED', req, { username, scope: l.scope, until: l.until }, account?.id);
          return page(app, req, reply, 'login', { next, error: 'Tên đăng nhập hoặc mật khẩu không đúng.' }, errorSpec('AUTH_REQUIRED').http);
        }
        await recordSuccess(app.db, username);
        await req.session.regenerate(); // a new session id at login (no session fixation)
        req.session.accountId = account.id;
        req.session.expiresAt = new Date(now.getTime() + app.config.http.sessionHours * 3600_000).toISOString();
        req.session.address = req.ip;
        await log('WEB_LOGIN', req, { username }, account.id);
        return reply.redirect(next, 303);
      },
    );

    f.post('/logout', { config: { write: false }, schema: { hide: true } }, async (req, reply) => {
      await log('WEB_LOGOUT', req, { username: req.account!.username }, req.account!.id);
      await req.session.destroy();
      return reply.redirect('/login', 303);
    });

    f.get('/account', { schema: { hide: true } }, async (req, reply) => page(app, req, reply, 'account', { error: null }));

    f.post<{ Body: { current?: string; password?: string; confirm?: string } }>('/account/password', { config: { write: false }, schema: { hide: true } }, async (req, reply) => {
      const b = req.body ?? {};
      const account = req.account!;
      if (!(await verifyPassword(String(b.current ?? ''), account.password_hash))) return page(app, req, reply, 'account', { error: 'Mật khẩu hiện tại không đúng.' }, 400);
      if (b.password !== b.confirm) return page(app, req, reply, 'account', { error: 'Hai lần nhập mật khẩu mới không giống nhau.' }, 400);
      try {
        await changePassword(app.db, account.username, String(b.password ?? ''), app.ports.clock.now());
      } catch (err) {
        if (err instanceof BridgeError && err.code === 'USAGE') return page(app, req, reply, 'account', { error: `Mật khẩu mới chưa đạt: ${err.message}.` }, 400);
        throw err;
      }
      await audit(app, req, 'user.password', { refType: 'account', refId: account.id });
      await req.session.regenerate();
      flash(req, 'Đã đổi mật khẩu. Đăng nhập lại bằng mật khẩu mới.');
      return reply.redirect('/login', 303);
    });
  };
}
