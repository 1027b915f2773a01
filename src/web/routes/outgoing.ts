import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import type { OutgoingFile } from '../../db/outgoing.js';
import { eventsAbout, historyOf, listOutgoing, outgoingOf, recipientsOfDocument, reconcileLogOf } from '../../db/web-queries.js';
import { BridgeError } from '../../errors.js';
import { audit } from '../audit.js';
import { sendBlob } from '../blob.js';
import { recall } from '../services.js';
import { flash, page } from '../views.js';
import { idParam } from './entry.js';

type DocParams = { agency: string; id: string };

/** States in which the recipient's receipt (03) is still awaited. */
const AWAITING = new Set(['queued', 'sent', 'delivered', 'overdue']);

/**
 * Outgoing tracking (docs/status-codes.md): every document with its recipients' progress, and per
 * document each recipient's state and a timeline of every piece of evidence (send result, DSN,
 * MDN, status packets, replies), overdue flags, and the recall with a reason.
 */
export function outgoingRoutes(app: App): FastifyPluginAsync {
  return async f => {
    f.get<{ Params: { agency: string }; Querystring: { before?: string } }>('/a/:agency/outgoing', { schema: { hide: true } }, async (req, reply) => {
      const before = /^\d+$/.test(req.query.before ?? '') ? Number(req.query.before) : undefined;
      const list = await listOutgoing(app.db, req.params.agency, { beforeId: before, limit: 50 });
      return page(app, req, reply, 'outgoing', { title: 'Theo dõi văn bản đi', agency: app.config.agencies.find(a => a.code === req.params.agency)!, rows: list.rows, older: list.hasOlder ? `?before=${list.rows.at(-1)!.id}` : null, newer: before ? '?' : null });
    });

    f.get<{ Params: DocParams }>('/a/:agency/outgoing/:id', { schema: { hide: true } }, async (req, reply) => {
      const doc = await outgoingOf(app.db, req.params.agency, idParam(req.params.id));
      if (!doc) throw new BridgeError('NOT_FOUND', 'not found');
      const recipients = await recipientsOfDocument(app.db, doc.id);
      const ids = recipients.map(r => r.id);
      const history = await historyOf(app.db, 'recipient', ids);
      const log = await reconcileLogOf(app.db, ids);
      const now = app.ports.clock.now().toISOString();
      return page(app, req, reply, 'document', {
        title: `Văn bản đi ${doc.number_notation}`,
        doc,
        files: JSON.parse(doc.files) as OutgoingFile[],
        recipients: recipients.map(r => ({
          ...r,
          overdue: r.status === 'overdue' || (AWAITING.has(r.status) && !!r.deadline && r.deadline < now),
          timeline: [
            ...history.filter(h => h.subject_id === r.id).map(h => ({ at: h.at, kind: 'history' as const, row: h })),
            ...log.filter(l => l.recipient_id === r.id && l.effect !== 'moved').map(l => ({ at: l.at, kind: 'log' as const, row: l })),
          ].sort((a, b) => a.at.localeCompare(b.at)),
        })),
        events: (await eventsAbout(app.db, 'outgoing', doc.id)).map(e => ({ ...e, data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {} })),
      });
    });

    f.get<{ Params: DocParams & { n: string } }>('/a/:agency/outgoing/:id/files/:n', { schema: { hide: true } }, async (req, reply) => {
      const doc = await outgoingOf(app.db, req.params.agency, idParam(req.params.id));
      const file = doc ? (JSON.parse(doc.files) as OutgoingFile[])[idParam(req.params.n)] : undefined;
      if (!file) throw new BridgeError('NOT_FOUND', 'not found');
      return sendBlob(app, reply, { sha256: file.sha256, name: file.name, pdf: true });
    });

    f.post<{ Params: DocParams; Body: { reason?: string } }>('/a/:agency/outgoing/:id/recall', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const id = idParam(req.params.id);
      const reason = String(req.body?.reason ?? '').normalize('NFC').trim().slice(0, 1000);
      if (!reason) throw new BridgeError('USAGE', 'nhập lý do thu hồi');
      const r = await recall(app, agency, String(id), reason);
      await audit(app, req, 'outgoing.recall', { agency, refType: 'outgoing', refId: id, data: { reason, requested: r.requested.length, skipped: r.skipped.length } });
      flash(req, `Đã gửi yêu cầu thu hồi tới ${r.requested.length} nơi nhận${r.skipped.length ? `; ${r.skipped.length} nơi chưa nhận văn bản nên không cần thu hồi` : ''}.`);
      return reply.redirect(`/a/${encodeURIComponent(agency)}/outgoing/${id}`, 303);
    });
  };
}
