/**
 * Every request passes here (docs/security.md §Layers). Three hooks, added to the whole app so
 * that a new route cannot skip them:
 *   onRequest   a state-changing request whose Origin (or Sec-Fetch-Site) is another site is
 *               refused before anything else runs;
 *   onRequest   the route's access rule, before the body is read: who (session account, API token, or public), the
 *               agency scope of `:agency` (another agency's anything is 404), operator-only
 *               pages (404 for others), viewers refused on writes (403);
 *   preHandler  then the CSRF token on every state change made with a session cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { accountById } from '../db/accounts.js';
import { BridgeError } from '../errors.js';
import { tokenFromHeader } from './auth/tokens.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when a method changes something. */
export function isStateChanging(method: string): boolean {
  return !SAFE.has(method.toUpperCase());
}

/** The origin this server is reached at: config publicUrl, else the request's own protocol and Host. */
function ownOrigin(app: App, req: FastifyRequest): string {
  if (app.config.http.publicUrl) return new URL(app.config.http.publicUrl).origin;
  return `${req.protocol}://${req.host}`;
}

/** Refuse a cross-site state change early (before the body is read). */
export function originCheck(app: App) {
  return async (req: FastifyRequest) => {
    if (!isStateChanging(req.method)) return;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const foreign = (origin !== undefined && origin !== ownOrigin(app, req)) || site === 'cross-site' || site === 'same-site';
    if (foreign) {
      app.ports.log.warn('WEB_REFUSED', { reason: 'origin', method: req.method, url: req.url, origin: origin ?? null, site: site ?? null, address: req.ip });
      throw new BridgeError('CSRF_REFUSED', 'cross-site request refused');
    }
  };
}

/** The access rule of the route, checked before any body is read (an upload to another agency is never read). */
export function accessCheck(app: App) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const rule = req.routeOptions.config ?? {};
    const auth = rule.auth ?? 'session';
    if (auth === 'public') return;
    if (auth === 'bearer') {
      const token = await tokenFromHeader(app.db, req.headers.authorization, app.ports.clock.now());
      if (!token) {
        reply.header('WWW-Authenticate', 'Bearer realm="edoc-bridge"');
        throw new BridgeError('AUTH_REQUIRED', 'a valid API token is required (Authorization: Bearer …)');
      }
      const agency = (req.params as Record<string, string> | undefined)?.agency;
      if (agency !== undefined && agency !== token.agency_code) throw new BridgeError('NOT_FOUND', 'not found');
      req.token = token;
      req.actor = { kind: 'token', id: token.id, name: token.name, agency: token.agency_code, address: req.ip };
      return;
    }
    const account = await sessionAccount(app, req);
    if (!account) {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      throw new BridgeError('AUTH_REQUIRED', 'login required');
    }
    req.account = account;
    req.actor = { kind: 'account', id: account.id, name: `${account.display_name} (${account.username})`, address: req.ip };
    if (rule.operatorOnly && account.role !== 'operator') throw new BridgeError('NOT_FOUND', 'not found');
    const agency = (req.params as Record<string, string> | undefined)?.agency;
    if (agency !== undefined) {
      const hosted = app.config.agencies.some(a => a.code === agency);
      if (!hosted || (account.role !== 'operator' && !account.agencies.includes(agency))) throw new BridgeError('NOT_FOUND', 'not found');
    }
    if (isStateChanging(req.method) && account.role === 'viewer' && rule.write !== false) throw new BridgeError('FORBIDDEN', 'this account may only read');
  };
}

/** The account of the request's session, if it is live (not expired, account not disabled). */
export async function sessionAccount(app: App, req: FastifyRequest) {
  const s = req.session;
  if (!s?.accountId || !s.expiresAt || s.expiresAt <= app.ports.clock.now().toISOString()) return undefined;
  const account = await accountById(app.db, s.accountId);
  return account && !account.disabled_at ? account : undefined;
}

/**
 * The CSRF token check of @fastify/csrf-protection on every state change made with a session
 * (API calls carry a bearer token, which a browser never adds by itself). A missing or wrong
 * token is answered by the plugin's own 403 error (mapped in http-errors.ts).
 */
export function csrfCheck(fastify: FastifyInstance) {
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    // Every state change except the API's: pages and forms, and the login form itself (login CSRF).
    if (isStateChanging(req.method) && req.routeOptions.config?.auth !== 'bearer') return fastify.csrfProtection(req, reply, done);
    done();
  };
}
