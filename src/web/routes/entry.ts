import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { getReceived } from '../../db/received.js';
import { entriesByNumbers, entryFile, entryFiles, entryOf, eventsAbout, fieldChanges, historyOf } from '../../db/web-queries.js';
import { vnDate } from '../../domain/vn-time.js';
import { BridgeError } from '../../errors.js';
import { actorOf, audit } from '../audit.js';
import { actorLabel } from '../types.js';
import { sendBlob } from '../blob.js';
import { isOverdue } from './register.js';
import { changeEntryStatus, CLERK_STEPS, completeEntryFields, type EntryFields } from '../services.js';
import { flash, page } from '../views.js';

type EntryParams = { agency: string; id: string };

/** A numeric id from the path (anything else is simply not found). */
export function idParam(s: string): number {
  if (!/^\d{1,12}$/.test(s)) throw new BridgeError('NOT_FOUND', 'not found');
  return Number(s);
}

/**
 * One incoming entry (docs/registers.md): its metadata (missing fields editable, with who changed
 * what), its PDF shown in the page, the signature panel, attachments, duplicate warnings as
 * links, the status history and who did what; and the clerk's 04/05/06 with a note.
 */
export function entryRoutes(app: App): FastifyPluginAsync {
  return async f => {
    f.get<{ Params: EntryParams }>('/a/:agency/entries/:id', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const entry = await entryOf(app.db, agency, idParam(req.params.id));
      if (!entry) throw new BridgeError('NOT_FOUND', 'not found');
      const files = await entryFiles(app.db, entry.id);
      const warnings = JSON.parse(entry.warnings ?? '[]') as string[];
      const dupKeys = warnings.filter(w => w.startsWith('DUPLICATE_OF:')).map(w => w.slice('DUPLICATE_OF:'.length).split('/').map(Number) as [number, number]);
      const duplicates = await entriesByNumbers(app.db, agency, dupKeys.map(([year, number]) => ({ year, number })));
      const events = (await eventsAbout(app.db, 'entry', entry.id)).map(e => ({ ...e, data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {} }));
      const steps = Object.entries(CLERK_STEPS).filter(([, r]) => (r.from as readonly string[]).includes(entry.status)).map(([step, r]) => ({ step, code: r.code }));
      return page(app, req, reply, 'entry', {
        title: `Văn bản đến số ${entry.arrival_number}/${entry.year}`,
        entry,
        mail: entry.received_mail_id ? await getReceived(app.db, entry.received_mail_id) : undefined,
        files,
        viewer: entry.scan_sha256 ? 'scan' : files.find(x => x.is_pdf)?.id,
        missing: JSON.parse(entry.missing ?? '[]') as string[],
        warnings: warnings.filter(w => !w.startsWith('DUPLICATE_OF:')),
        duplicates,
        history: await historyOf(app.db, 'entry', [entry.id]),
        changes: await fieldChanges(app.db, entry.id),
        events,
        steps,
        overdue: isOverdue(entry, vnDate(app.ports.clock.now())),
      });
    });

    f.get<{ Params: EntryParams & { file: string } }>('/a/:agency/entries/:id/files/:file', { schema: { hide: true } }, async (req, reply) => {
      const entry = await entryOf(app.db, req.params.agency, idParam(req.params.id));
      if (!entry) throw new BridgeError('NOT_FOUND', 'not found');
      if (req.params.file === 'scan') {
        if (!entry.scan_sha256) throw new BridgeError('NOT_FOUND', 'not found');
        return sendBlob(app, reply, { sha256: entry.scan_sha256, name: entry.scan_name ?? 'ban-quet.pdf', pdf: true });
      }
      const file = await entryFile(app.db, entry.id, idParam(req.params.file));
      if (!file) throw new BridgeError('NOT_FOUND', 'not found');
      return sendBlob(app, reply, { sha256: file.sha256, name: file.name, pdf: !!file.is_pdf });
    });

    f.post<{ Params: EntryParams; Body: { status?: string; note?: string } }>('/a/:agency/entries/:id/status', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const id = idParam(req.params.id);
      const r = await changeEntryStatus(app, agency, id, String(req.body?.status ?? ''), typeof req.body?.note === 'string' ? req.body.note.slice(0, 2000) : undefined);
      await audit(app, req, 'entry.status', { agency, refType: 'entry', refId: id, data: { to: r.entry.status, code: r.code, queued: r.queued, note: req.body?.note || undefined } });
      flash(req, r.queued ? `Đã chuyển trạng thái (${r.code}); đã gửi thông báo cho nơi gửi.` : `Đã chuyển trạng thái (${r.code}).`);
      return reply.redirect(`/a/${encodeURIComponent(agency)}/entries/${id}`, 303);
    });

    f.post<{ Params: EntryParams; Body: EntryFields }>('/a/:agency/entries/:id/fields', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const id = idParam(req.params.id);
      const b = req.body ?? {};
      const fields: EntryFields = {};
      for (const k of ['issuer', 'numberNotation', 'date', 'type', 'summary', 'signerPosition', 'signerName'] as const) if (typeof b[k] === 'string') fields[k] = b[k];
      const r = await completeEntryFields(app, agency, id, fields, actorLabel(actorOf(req)));
      await audit(app, req, 'entry.fields', { agency, refType: 'entry', refId: id, data: { fields: r.completed } });
      flash(req, 'Đã bổ sung thông tin văn bản.');
      return reply.redirect(`/a/${encodeURIComponent(agency)}/entries/${id}`, 303);
    });
  };
}
