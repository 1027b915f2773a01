import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { countsBy, ping } from '../../db/web-queries.js';
import { packagePath } from '../../paths.js';

/** Prometheus text exposition of the counts an operator alerts on (read from the DB). */
export async function metricsText(app: App): Promise<string> {
  const lines: string[] = [];
  const gauges = [
    ['edoc_received_mails', 'Mails taken from the hosted mailboxes, by state', 'received_mails', 'state'],
    ['edoc_register_entries', 'Incoming register entries, by status', 'register_entries', 'status'],
    ['edoc_outbox_messages', 'Outbox messages, by state', 'outbox', 'state'],
    ['edoc_quarantine_entries', 'Quarantine entries, by state', 'quarantine', 'state'],
  ] as const;
  for (const [name, help, table, column] of gauges) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const r of await countsBy(app.db, table, column)) lines.push(`${name}{${column}="${r.k.replace(/["\\\n]/g, '_')}"} ${r.n}`);
  }
  // docs/hostile-input.md §Scanning: a scanner that is down holds documents; alert on it.
  if (app.config.scan.mode !== 'off') {
    lines.push('# HELP edoc_scanner_up Whether the malware scanner (clamd) answers PING', '# TYPE edoc_scanner_up gauge', `edoc_scanner_up ${(await app.ports.scanner.ping()) ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

const ASSETS: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' };

/**
 * Open routes: /healthz and /metrics for the operator's probes (no login, as before: they show
 * counts only), and the two static files every page uses (served from templates/web/assets).
 */
export function probeRoutes(app: App): FastifyPluginAsync {
  return async f => {
    f.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
      await ping(app.db);
      return reply.type('text/plain; charset=utf-8').send('ok\n');
    });
    f.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await metricsText(app)));
    const cache = new Map<string, Buffer>();
    f.get<{ Params: { file: string } }>('/assets/:file', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const type = ASSETS[req.params.file];
      if (!type) return reply.callNotFound();
      let body = cache.get(req.params.file);
      if (!body) cache.set(req.params.file, (body = await readFile(packagePath('templates', 'web', 'assets', req.params.file))));
      return reply.type(type).header('Cache-Control', 'public, max-age=3600').send(body);
    });
  };
}
