/**
 * The web app and API on Fastify (docs/security.md). Fastify was chosen because its maintained
 * plugins cover what a public-facing app must get right — security headers (helmet), rate
 * limits, signed cookies and sessions, CSRF tokens, streamed multipart — and because every route
 * carries a JSON schema from which @fastify/swagger writes the OpenAPI document.
 *
 * Layout: guard hooks on the whole app (guard.ts), pages and forms in one encapsulated scope
 * (form and multipart parsers exist only there), the JSON API in another (JSON only, bearer
 * tokens), probes and assets public. Every route is recorded as it is added: the tests walk that
 * list, so a new route cannot escape the CSRF and tenancy checks.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import session from '@fastify/session';
import swagger from '@fastify/swagger';
import type { App } from '../app.js';
import { readSecret } from '../config/load.js';
import { purgeExpiredSessions } from '../db/sessions.js';
import { settingOrCreate } from '../db/web-settings.js';
import { describeError } from '../errors.js';
import { databaseSessionStore } from './auth/session-store.js';
import { accessCheck, csrfCheck, originCheck } from './guard.js';
import { httpFailure, STATUS_TEXT } from './http-errors.js';
import { apiRoutes } from './routes/api.js';
import { authRoutes } from './routes/auth.js';
import { composeRoutes } from './routes/compose.js';
import { entryRoutes } from './routes/entry.js';
import { opsRoutes } from './routes/ops.js';
import { opsAdminRoutes } from './routes/ops-admin.js';
import { outgoingRoutes } from './routes/outgoing.js';
import { probeRoutes } from './routes/probes.js';
import { registerRoutes } from './routes/register.js';
import type { RouteAccess } from './types.js';
import { UPLOAD_LIMITS } from './uploads.js';
import { page } from './views.js';
import './types.js';

/** A route as registered: what the security tests walk. */
export type RouteInfo = { method: string; url: string; config: RouteAccess };

export type WebServer = { fastify: FastifyInstance; routes: RouteInfo[] };

/** Content-Security-Policy of every page: our own scripts and styles only, no framing by anyone. */
export const PAGE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  frameSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** Build the server (not listening): the tests inject into it, startWebServer listens. */
export async function buildWebServer(app: App): Promise<WebServer> {
  const { http } = app.config;
  const fastify = Fastify({ logger: false, trustProxy: http.trustProxy, bodyLimit: 1024 * 1024 });
  const routes: RouteInfo[] = [];
  fastify.addHook('onRoute', r => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, config: (r.config ?? {}) as RouteAccess });
  });

  await fastify.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP },
    frameguard: { action: 'deny' },
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own form posts.
    referrerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await fastify.register(rateLimit, { max: http.rateLimitPerMinute, timeWindow: '1 minute' });
  const secret = http.sessionSecretEnv ? readSecret(http.sessionSecretEnv, 'http.sessionSecretEnv', app.env) : await settingOrCreate(app.db, 'session-secret', () => randomBytes(48).toString('base64url'));
  await fastify.register(cookie);
  const sessionMs = http.sessionHours * 3600_000;
  await fastify.register(session, {
    secret,
    cookieName: 'edoc_sid',
    // Never sent cross-site; Secure when the public address is https (and per request below).
    cookie: { httpOnly: true, sameSite: 'strict', secure: app.config.http.publicUrl?.startsWith('https:') ?? false, path: '/', maxAge: sessionMs },
    saveUninitialized: false,
    store: databaseSessionStore(app.db, app.ports.clock, sessionMs),
  });
  await fastify.register(csrfProtection, {
    sessionPlugin: '@fastify/session',
    // A multipart form's token travels in the header or the form's action URL (its body is streamed, not parsed first).
    getToken: req => (req.body as Record<string, string> | undefined)?._csrf || (req.headers['x-csrf-token'] as string | undefined) || (req.query as Record<string, string> | undefined)?._csrf,
  });
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'edoc-bridge API', version: '1', description: 'Per-agency API of the e-mail gateway for official documents. Every route needs `Authorization: Bearer <token>` (`edoc-bridge tokens create`).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // A request that came over TLS (or through a trusted proxy that says so) gets a Secure cookie.
  // (@fastify/session's own secure: 'auto' would lower SameSite to Lax on plain http.)
  fastify.addHook('onSend', async (req, reply) => {
    if (req.protocol !== 'https') return;
    const set = reply.getHeader('set-cookie');
    const list = Array.isArray(set) ? set : typeof set === 'string' ? [set] : [];
    if (!list.some(c => c.startsWith('edoc_sid=') && !/;\s*Secure/i.test(c))) return;
    reply.removeHeader('set-cookie'); // header() appends to set-cookie: replace the list instead
    reply.header('set-cookie', list.map(c => (c.startsWith('edoc_sid=') && !/;\s*Secure/i.test(c) ? `${c}; Secure` : c)));
  });
  fastify.addHook('onRequest', originCheck(app));
  fastify.addHook('onRequest', async req => {
    const files = req.routeOptions.config?.uploadFiles;
    const length = Number(req.headers['content-length'] ?? 0);
    if (files && length > files * http.maxUploadBytes + 1024 * 1024) throw Object.assign(new Error('request body over the upload limit'), { statusCode: 413, code: 'FST_REQ_FILE_TOO_LARGE' });
  });
  fastify.addHook('onRequest', accessCheck(app));
  fastify.addHook('preHandler', csrfCheck(fastify));

  fastify.setErrorHandler(async (err, req, reply) => {
    const f = httpFailure(err);
    if (f.code === 'CSRF_REFUSED') app.ports.log.warn('WEB_REFUSED', { reason: 'csrf', method: req.method, url: req.url, address: req.ip });
    else if (!f.expected) app.ports.log.error('WEB_ERROR', { method: req.method, url: req.url, error: describeError(err) });
    if (f.status === 413) reply.header('Connection', 'close'); // stop the client sending the rest
    if (f.status === 429 && err && typeof (err as { headers?: unknown }).headers === 'object') reply.headers((err as { headers: Record<string, string> }).headers);
    return failure(app, req, reply, f.status, f.code, f.message);
  });
  fastify.setNotFoundHandler(async (req, reply) => failure(app, req, reply, 404, 'NOT_FOUND', 'not found'));

  await fastify.register(async scope => {
    await scope.register(probeRoutes(app));
  });
  await fastify.register(async scope => {
    await scope.register(formbody, { bodyLimit: 256 * 1024 });
    await scope.register(multipart, { limits: { fileSize: http.maxUploadBytes, files: UPLOAD_LIMITS.files, fields: UPLOAD_LIMITS.fields, fieldSize: UPLOAD_LIMITS.fieldSize } });
    for (const r of [authRoutes, registerRoutes, entryRoutes, composeRoutes, outgoingRoutes, opsRoutes, opsAdminRoutes]) await scope.register(r(app));
  });
  await fastify.register(apiRoutes(app), { prefix: '/api' });
  await fastify.ready();
  return { fastify, routes };
}

/** An error as a page (or JSON for the API), saying what to do next. */
async function failure(app: App, req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply, status: number, code: string, message: string) {
  if (req.url.startsWith('/api/') || req.url === '/metrics' || req.url === '/healthz') return reply.code(status).header('Cache-Control', 'no-store').send({ error: code, message });
  const text = STATUS_TEXT[status] ?? STATUS_TEXT[500]!;
  return page(app, req, reply, 'error', { title: text.title, next: text.next, detail: status < 500 ? message : '', status }, status);
}

export type WebHandle = { url: string; server: WebServer; close(): Promise<void> };

/** Start listening on http.host:http.port (the service's web app and API). */
export async function startWebServer(app: App): Promise<WebHandle> {
  const server = await buildWebServer(app);
  await server.fastify.listen({ host: app.config.http.host, port: app.config.http.port });
  const address = server.fastify.server.address() as AddressInfo;
  const host = app.config.http.host.includes(':') ? `[${app.config.http.host}]` : app.config.http.host;
  const url = `http://${host}:${address.port}`;
  app.ports.log.info('HTTP_LISTEN', { url });
  // Expired sessions (anonymous ones too: the login form's CSRF secret) are dropped once an hour.
  const purge = setInterval(() => void purgeExpiredSessions(app.db, app.ports.clock.now()).catch(err => app.ports.log.warn('WEB_ERROR', { job: 'session-purge', error: describeError(err) })), 3600_000);
  purge.unref();
  return {
    url,
    server,
    close: async () => {
      clearInterval(purge);
      await server.fastify.close();
    },
  };
}
