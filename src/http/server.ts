import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';
import { readSecret } from '../config/load.js';
import { describeError } from '../errors.js';
import { handleApi } from './api.js';
import { metricsText } from './metrics.js';
import { renderOutgoingPage, renderQuarantinePage, renderRegisterPage } from './pages.js';

export type HttpHandle = { url: string; close(): Promise<void> };

/** Basic auth against http.user and the password in http.passwordEnv (constant-time compare). */
function authorised(req: http.IncomingMessage, user: string, password: string | undefined): boolean {
  if (!password) return false;
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const wanted = Buffer.from(`${user}:${password}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The dashboard and API (docs/operations.md §Dashboard and API): /healthz and /metrics are open (for the operator's probes);
 * every page and API route needs the login. Everything shown is escaped (pages.ts).
 */
export async function startHttp(app: App): Promise<HttpHandle> {
  const { host, port, user, passwordEnv } = app.config.http;
  const password = passwordEnv ? readSecret(passwordEnv, 'http.passwordEnv', app.env) : undefined;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/healthz') {
        await app.db.raw('select 1');
        return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      }
      if (url.pathname === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', await metricsText(app));
      if (!authorised(req, user, password)) {
        res.setHeader('WWW-Authenticate', 'Basic realm="edoc-bridge", charset="UTF-8"');
        return send(res, 401, 'text/plain; charset=utf-8', password ? 'Cần đăng nhập.\n' : 'Chưa cấu hình mật khẩu (http.passwordEnv).\n');
      }
      const api = await handleApi(app, req, url);
      if (api) return send(res, api.status, 'application/json; charset=utf-8', JSON.stringify(api.body) + '\n');
      if (url.pathname === '/' || url.pathname === '/register') return send(res, 200, 'text/html; charset=utf-8', await renderRegisterPage(app, url.searchParams));
      if (url.pathname === '/outgoing') return send(res, 200, 'text/html; charset=utf-8', await renderOutgoingPage(app, url.searchParams));
      if (url.pathname === '/quarantine') return send(res, 200, 'text/html; charset=utf-8', await renderQuarantinePage(app));
      return send(res, 404, 'text/plain; charset=utf-8', 'Không tìm thấy.\n');
    } catch (err) {
      app.log.error('JOB_FAILED', { job: 'http', path: url.pathname, error: describeError(err) });
      return send(res, 500, 'text/plain; charset=utf-8', 'Lỗi hệ thống.\n');
    }
  });
  await new Promise<void>(resolve => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  app.log.info('HTTP_LISTEN', { url });
  return { url, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(body);
}
