import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { draftOf, insertDraft, markDraftSent, type DraftFile } from '../../db/drafts.js';
import { BridgeError } from '../../errors.js';
import { hasPdfMagic } from '../../mail/parse.js';
import { actorOf, audit } from '../audit.js';
import { sendBlob } from '../blob.js';
import { checkRecipients, parseSubmissionMeta, previewNumber, registerPaper, submit, type PaperMeta, type SubmissionMeta } from '../services.js';
import { readUpload } from '../uploads.js';
import { flash, page } from '../views.js';
import { idParam } from './entry.js';

type AgencyParams = { agency: string };

/** The draft form as the clerk typed it (kept so the preview and the confirmation send the same thing). */
type DraftForm = { to: string[]; meta: SubmissionMeta };

/** The metadata fields of the compose form → the submission metadata (validated by the same schema as the CLI and API). */
function metaFromForm(f: Record<string, string>): SubmissionMeta {
  const signer = Object.fromEntries(Object.entries({ position: f.signerPosition, name: f.signerName }).filter(([, v]) => v?.trim()).map(([k, v]) => [k, v!.trim()]));
  return parseSubmissionMeta({
    type: f.type?.trim() || undefined,
    notation: f.notation?.trim() || undefined,
    summary: f.summary?.trim() ?? '',
    signer,
    urgency: f.urgency || undefined,
    dueDate: f.dueDate?.trim() || undefined,
  });
}

/**
 * Registering a scanned paper document, and composing an outgoing one (docs/registers.md): upload
 * the PDF and annexes, pick recipients from the directory, fill in the metadata, see the number
 * it will get, confirm. Nothing is numbered before the confirmation; a second click on it sends
 * nothing twice (the draft is the submission key).
 */
export function composeRoutes(app: App): FastifyPluginAsync {
  const max = app.config.http.maxUploadBytes;
  return async f => {
    f.get<{ Params: AgencyParams }>('/a/:agency/paper/new', { schema: { hide: true } }, async (req, reply) =>
      page(app, req, reply, 'paper', { title: 'Vào sổ văn bản giấy', agency: app.config.agencies.find(a => a.code === req.params.agency)!, maxUpload: max, error: null }),
    );

    f.post<{ Params: AgencyParams }>('/a/:agency/paper', { config: { uploadFiles: 1 }, schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const upload = await readUpload(req, max);
      let location: string;
      try {
        const scan = upload.files.find(x => x.field === 'scan');
        if (!scan) throw new BridgeError('USAGE', 'chọn tệp PDF bản quét');
        const v = upload.fields;
        const meta: PaperMeta = {};
        if (v.issuer?.trim()) meta.issuerName = v.issuer.trim();
        if (v.numberNotation?.trim()) meta.numberNotation = v.numberNotation.trim();
        if (v.date?.trim()) meta.date = v.date.trim();
        if (v.type?.trim()) meta.type = v.type.trim();
        if (v.summary?.trim()) meta.summary = v.summary.trim();
        if (v.urgency && ['normal', 'khan', 'thuong-khan', 'hoa-toc'].includes(v.urgency)) meta.urgency = v.urgency as PaperMeta['urgency'];
        const r = await registerPaper(app, agency, { name: scan.name, content: await upload.read(scan) }, meta);
        await audit(app, req, 'paper.register', { agency, refType: 'entry', refId: r.entryId, data: { arrivalNumber: r.arrivalNumber, file: scan.name } });
        flash(req, `Đã vào sổ văn bản giấy, số đến ${r.arrivalNumber}.`);
        location = `/a/${encodeURIComponent(agency)}/entries/${r.entryId}`;
      } finally {
        await upload.cleanup(); // before answering: nothing of the upload outlives the request
      }
      return reply.redirect(location, 303);
    });

    f.get<{ Params: AgencyParams }>('/a/:agency/outgoing/new', { schema: { hide: true } }, async (req, reply) =>
      page(app, req, reply, 'compose', { title: 'Soạn và gửi văn bản đi', agency: app.config.agencies.find(a => a.code === req.params.agency)!, maxUpload: max, error: null }),
    );

    f.post<{ Params: AgencyParams }>('/a/:agency/outgoing/drafts', { config: { uploadFiles: 10 }, schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const upload = await readUpload(req, max);
      let location: string;
      try {
        const main = upload.files.filter(x => x.field === 'main');
        if (main.length !== 1) throw new BridgeError('USAGE', 'chọn đúng một tệp PDF văn bản chính');
        const files: DraftFile[] = [];
        for (const file of [...main, ...upload.files.filter(x => x.field === 'annex')]) {
          const bytes = await upload.read(file);
          if (!hasPdfMagic(bytes)) throw new BridgeError('PDF_UNREADABLE', `${file.name} không phải tệp PDF`);
          const ref = await app.ports.blobs.put(bytes);
          files.push({ name: file.name, role: file.field === 'main' ? 'main' : 'annex', sha256: ref.sha256, size: ref.size });
        }
        const to = (upload.fields.to ?? '').split(/[,;\s]+/).filter(Boolean);
        await checkRecipients(app, to);
        const form: DraftForm = { to, meta: metaFromForm(upload.fields) };
        const id = await insertDraft(app.db, { agencyCode: agency, accountId: req.account!.id, files, form }, app.ports.clock.now());
        await audit(app, req, 'outgoing.draft', { agency, refType: 'draft', refId: id, data: { files: files.map(x => x.name), to } });
        location = `/a/${encodeURIComponent(agency)}/outgoing/drafts/${id}`;
      } finally {
        await upload.cleanup();
      }
      return reply.redirect(location, 303);
    });

    f.get<{ Params: AgencyParams & { id: string } }>('/a/:agency/outgoing/drafts/:id', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const draft = await draftOf(app.db, agency, idParam(req.params.id));
      if (!draft) throw new BridgeError('NOT_FOUND', 'not found');
      if (draft.document_id) return reply.redirect(`/a/${encodeURIComponent(agency)}/outgoing/${draft.document_id}`, 303);
      const form = JSON.parse(draft.form) as DraftForm;
      return page(app, req, reply, 'draft', {
        title: 'Xem trước văn bản đi',
        agency: app.config.agencies.find(a => a.code === agency)!,
        draft,
        files: JSON.parse(draft.files) as DraftFile[],
        form,
        recipients: await checkRecipients(app, form.to),
        number: await previewNumber(app, agency, form.meta),
      });
    });

    f.get<{ Params: AgencyParams & { id: string; n: string } }>('/a/:agency/outgoing/drafts/:id/files/:n', { schema: { hide: true } }, async (req, reply) => {
      const draft = await draftOf(app.db, req.params.agency, idParam(req.params.id));
      const file = draft ? (JSON.parse(draft.files) as DraftFile[])[idParam(req.params.n)] : undefined;
      if (!file) throw new BridgeError('NOT_FOUND', 'not found');
      return sendBlob(app, reply, { sha256: file.sha256, name: file.name, pdf: true });
    });

    f.post<{ Params: AgencyParams & { id: string } }>('/a/:agency/outgoing/drafts/:id/send', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const draft = await draftOf(app.db, agency, idParam(req.params.id));
      if (!draft) throw new BridgeError('NOT_FOUND', 'not found');
      const form = JSON.parse(draft.form) as DraftForm;
      const files = await Promise.all((JSON.parse(draft.files) as DraftFile[]).map(async x => ({ name: x.name, role: x.role, content: await app.ports.blobs.get(x.sha256) })));
      const result = await submit(app, { agencyCode: agency, to: form.to, files, meta: form.meta, source: 'http', submissionKey: `web-draft:${draft.id}`, nameAfterNumber: true });
      if (await markDraftSent(app.db, draft.id, result.documentId)) {
        await audit(app, req, 'outgoing.send', { agency, refType: 'outgoing', refId: result.documentId, data: { numberNotation: result.numberNotation, recipients: result.recipients.map(r => r.address), by: actorOf(req).name } });
      }
      flash(req, `Đã cấp số ${result.numberNotation}, đóng dấu, ký số và đưa vào hàng đợi gửi tới ${result.recipients.length} nơi nhận.`);
      return reply.redirect(`/a/${encodeURIComponent(agency)}/outgoing/${result.documentId}`, 303);
    });
  };
}
