/**
 * Server-rendered pages with Eta (templates/web/*.eta). Eta was chosen over Nunjucks because it
 * is written in TypeScript, maintained, has no dependencies, and escapes every `<%= %>` by
 * default (autoEscape): what a sender wrote can only reach a page as text. Raw output (`<%~ %>`)
 * is used for the layout's body and nothing else. Every page is `no-store` (helmet adds the CSP).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Eta } from 'eta';
import type { App } from '../app.js';
import { packagePath } from '../paths.js';
import * as fmt from './format.js';

const eta = new Eta({ views: packagePath('templates', 'web'), autoEscape: true, cache: true });

/** The agencies the account may open, for the menu. */
export function agenciesFor(app: App, req: FastifyRequest): Array<{ code: string; name: string }> {
  const a = req.account;
  if (!a) return [];
  const all = app.config.agencies.map(h => ({ code: h.code, name: h.name }));
  return a.role === 'operator' ? all : all.filter(h => a.agencies.includes(h.code));
}

/** Render a page: the template's data plus what every page needs (account, menu, CSRF token, formatting helpers). */
export async function page(app: App, req: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const csrf = req.session ? reply.generateCsrf() : '';
  const flash = req.session?.flash;
  if (flash) req.session.flash = undefined;
  const agencies = agenciesFor(app, req);
  const current = typeof (req.params as Record<string, string> | undefined)?.agency === 'string' ? (req.params as Record<string, string>).agency : agencies[0]?.code;
  const html = eta.render(`./${template}`, { ...data, account: req.account, agencies, current, csrf, flash, fmt, path: req.url });
  return reply.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** Keep a one-line message for the next page (after a redirect). */
export function flash(req: FastifyRequest, text: string): void {
  if (req.session) req.session.flash = text.normalize('NFC');
}
