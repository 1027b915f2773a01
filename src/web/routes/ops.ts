import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { getQuarantine, listQuarantine, type QuarantineState } from '../../db/quarantine.js';
import { getReceived, heldCounts } from '../../db/received.js';
import { workersView } from '../../schedule/status.js';
import { eventsAbout, mailboxHealth, orphans, outboxBacklog, recentEvents, recentRecipients, reconcileLogPage, reportById } from '../../db/web-queries.js';
import { BridgeError } from '../../errors.js';
import { actorOf, audit } from '../audit.js';
import { sendBlob } from '../blob.js';
import { actorLabel } from '../types.js';
import { attachOrphanReport, closeQuarantine, parseStoredMail, retryQuarantine } from '../services.js';
import { EFFECT_VI } from '../format.js';
import { flash, page } from '../views.js';
import { idParam } from './entry.js';

const op = { operatorOnly: true } as const;
const PREVIEW_CHARS = 20_000;

/** The form must carry the confirmation box: an operator action is never one stray click. */
function confirmed(body: unknown): void {
  if ((body as Record<string, unknown> | undefined)?.confirm !== 'yes') throw new BridgeError('USAGE', 'đánh dấu ô xác nhận trước khi thực hiện');
}

/**
 * The operator's pages (docs/operations.md): the quarantine (list, a safe look at one mail —
 * headers, parts and its plain text, never the sender's HTML — and retry / release / discard
 * with a confirmation), the reconciliation log and the orphans (attach one to a document
 * recipient), and the system's health (each mailbox's last good cycle and last error, the
 * outbox backlog). Every route here is 404 for anyone but an operator.
 */
export function opsRoutes(app: App): FastifyPluginAsync {
  return async f => {
    f.get<{ Querystring: { state?: string } }>('/ops/quarantine', { config: op, schema: { hide: true } }, async (req, reply) => {
      const state = (['open', 'retried', 'released', 'discarded'].includes(req.query.state ?? '') ? req.query.state : 'open') as QuarantineState;
      return page(app, req, reply, 'quarantine', { title: 'Thư cách ly', rows: await listQuarantine(app.db, { state }), state });
    });

    f.get<{ Params: { id: string } }>('/ops/quarantine/:id', { config: op, schema: { hide: true } }, async (req, reply) => {
      const q = await getQuarantine(app.db, idParam(req.params.id));
      if (!q) throw new BridgeError('NOT_FOUND', 'not found');
      const received = await getReceived(app.db, q.received_mail_id);
      let mail: Awaited<ReturnType<typeof parseStoredMail>> | null = null;
      let parseError: string | null = null;
      try {
        mail = await parseStoredMail(app, q.raw_sha256);
      } catch (err) {
        parseError = (err as Error).message; // a mail too broken to parse: the raw file is still there
      }
      const headers = mail ? Object.entries(mail.headers).flatMap(([k, vs]) => vs.map(v => [k, v.slice(0, 2000)] as const)).slice(0, 200) : [];
      return page(app, req, reply, 'quarantine-item', {
        title: `Thư cách ly #${q.id}`,
        q,
        received,
        mail,
        parseError,
        headers,
        text: mail ? mail.text.slice(0, PREVIEW_CHARS) : '',
        truncated: mail ? mail.text.length > PREVIEW_CHARS : false,
        events: await eventsAbout(app.db, 'quarantine', q.id),
      });
    });

    f.get<{ Params: { id: string } }>('/ops/quarantine/:id/raw', { config: op, schema: { hide: true } }, async (req, reply) => {
      const q = await getQuarantine(app.db, idParam(req.params.id));
      if (!q) throw new BridgeError('NOT_FOUND', 'not found');
      return sendBlob(app, reply, { sha256: q.raw_sha256, name: `thu-cach-ly-${q.id}.eml`, pdf: false });
    });

    for (const action of ['retry', 'release', 'discard'] as const) {
      f.post<{ Params: { id: string }; Body: { confirm?: string } }>(`/ops/quarantine/:id/${action}`, { config: op, schema: { hide: true } }, async (req, reply) => {
        const id = idParam(req.params.id);
        confirmed(req.body);
        const q = await getQuarantine(app.db, id);
        if (!q) throw new BridgeError('NOT_FOUND', 'not found');
        let message: string;
        if (action === 'retry') {
          const outcome = await retryQuarantine(app, id);
          message = `Đã xử lý lại thư: ${outcome.outcome}${outcome.arrivalNumber ? `, số đến ${outcome.arrivalNumber}` : ''}.`;
        } else {
          await closeQuarantine(app, id, action === 'release' ? 'released' : 'discarded');
          message = action === 'release' ? 'Đã chuyển thư cho văn thư xử lý thủ công (thư gốc vẫn được lưu).' : 'Đã đóng thư cách ly (thư gốc vẫn được lưu).';
        }
        await audit(app, req, `quarantine.${action}`, { agency: q.agency_code, refType: 'quarantine', refId: id });
        flash(req, message);
        return reply.redirect(`/ops/quarantine/${id}`, 303);
      });
    }

    f.get<{ Querystring: { before?: string } }>('/ops/reconcile', { config: op, schema: { hide: true } }, async (req, reply) => {
      const before = /^\d+$/.test(req.query.before ?? '') ? Number(req.query.before) : undefined;
      const log = await reconcileLogPage(app.db, { beforeId: before, limit: 100 });
      return page(app, req, reply, 'reconcile', { title: 'Đối soát phản hồi', log, orphans: await orphans(app.db), older: log.length === 100 ? `?before=${log.at(-1)!.id}` : null });
    });

    f.get<{ Params: { id: string } }>('/ops/orphans/:id', { config: op, schema: { hide: true } }, async (req, reply) => {
      const report = await reportById(app.db, idParam(req.params.id));
      if (!report) throw new BridgeError('NOT_FOUND', 'not found');
      return page(app, req, reply, 'orphan', { title: `Phản hồi không khớp #${report.id}`, report, choices: await recentRecipients(app.db, report.agency_code) });
    });

    f.post<{ Params: { id: string }; Body: { recipient?: string; confirm?: string } }>('/ops/orphans/:id/attach', { config: op, schema: { hide: true } }, async (req, reply) => {
      const id = idParam(req.params.id);
      confirmed(req.body);
      const recipient = idParam(String(req.body?.recipient ?? ''));
      const report = await reportById(app.db, id);
      if (!report) throw new BridgeError('NOT_FOUND', 'not found');
      const r = await attachOrphanReport(app, id, recipient, actorLabel(actorOf(req)));
      await audit(app, req, 'orphan.attach', { agency: report.agency_code, refType: 'outgoing', refId: r.documentId, data: { report: id, recipient, effects: r.effects } });
      flash(req, `Đã gắn phản hồi #${id} vào nơi nhận đã chọn: ${r.effects.map(e => EFFECT_VI[e] ?? e).join(', ') || 'đã ghi nhận'}.`);
      return reply.redirect(`/a/${encodeURIComponent(report.agency_code)}/outgoing/${r.documentId}`, 303);
    });

    f.get('/ops/health', { config: op, schema: { hide: true } }, async (req, reply) =>
      page(app, req, reply, 'health', {
        title: 'Tình trạng hệ thống',
        mailboxes: await mailboxHealth(app.db),
        workers: await workersView(app.db, app.ports.clock.now()),
        hosted: app.config.agencies,
        backlog: await outboxBacklog(app.db),
        logins: await recentEvents(app.db, ['WEB_LOGIN_FAILED', 'WEB_LOGIN_LOCKED'], 20),
        // docs/hostile-input.md §Scanning: documents held while the scanner is down are shown here.
        scan: { mode: app.config.scan.mode, up: app.config.scan.mode === 'off' ? null : await app.ports.scanner.ping(), held: await heldCounts(app.db) },
      }),
    );
    // The same ownership view as `edoc-bridge status --json` (docs/operations.md §Workers).
    f.get('/ops/status.json', { config: op, schema: { hide: true } }, async () => workersView(app.db, app.ports.clock.now()));
  };
}
