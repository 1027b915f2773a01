import type { FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { appendEvent } from '../db/events.js';
import { actorLabel, type Actor } from './types.js';

/** The actor of a request (the guard has set it on every non-public route). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error('no actor on a guarded route');
  return req.actor;
}

/**
 * Record a web or API action in the event log with its actor, address and target (docs/security.md
 * §Audit): the entry and document pages show these as "who did what".
 */
export async function audit(app: App, req: FastifyRequest, action: string, target: { agency?: string | null; refType?: string; refId?: number; data?: Record<string, unknown> }): Promise<void> {
  const actor = actorOf(req);
  const data = { action, actor: { ...actor, label: actorLabel(actor) }, ...target.data };
  await appendEvent(app.db, app.ports.clock.now(), { event: 'WEB_ACTION', agencyCode: target.agency ?? undefined, refType: target.refType, refId: target.refId, data });
  app.ports.log.info('WEB_ACTION', { action, actor: actorLabel(actor), address: actor.address, agency: target.agency, ref: target.refType ? `${target.refType}:${target.refId}` : undefined });
}
