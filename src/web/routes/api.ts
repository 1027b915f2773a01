import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { listOutbox, type OutboxState } from '../../db/outbox.js';
import { countEntries, searchEntries } from '../../db/register-search.js';
import { entryFiles, entryOf, historyOf } from '../../db/web-queries.js';
import { BridgeError } from '../../errors.js';
import { entryJson } from '../../register/present.js';
import { audit } from '../audit.js';
import { changeEntryStatus, parseSubmissionMeta, recall, submit, trackingReport } from '../services.js';
import { idParam } from './entry.js';

const error = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const errors = { 400: error, 401: error, 404: error, 409: error, 413: error, 415: error } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

/** The token's agency: a body naming another agency is answered as if it did not exist. */
function tokenAgency(req: FastifyRequest, named?: unknown): string {
  const agency = req.token!.agency_code;
  if (named !== undefined && named !== null && named !== '' && String(named) !== agency) throw new BridgeError('NOT_FOUND', `no agency ${String(named)} for this token`);
  return agency;
}

/**
 * The JSON API (docs/security.md §API tokens): per-agency bearer tokens (`tokens create`), JSON bodies
 * only (a form or text/plain body is 415, so no browser form can reach it), a schema on every
 * route — the same schemas make `/api/openapi.json`. Every action is audited with its token.
 */
export function apiRoutes(app: App): FastifyPluginAsync {
  const bearer = { auth: 'bearer' } as const;
  return async f => {
    f.removeContentTypeParser('text/plain');
    f.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => f.swagger());

    f.post<{ Body: { from?: string; to: string[] | string; files: Array<{ name: string; contentBase64: string; role?: 'main' | 'annex' }>; meta: Record<string, unknown> }; Headers: { 'idempotency-key'?: string } }>(
      '/documents',
      {
        config: bearer,
        bodyLimit: Math.ceil((app.config.http.maxUploadBytes * 4) / 3) * 4 + 1024 * 1024,
        schema: {
          summary: 'Submit an outgoing document: numbered, stamped, sealed and queued to every recipient',
          tags: ['documents'],
          headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', maxLength: 200, description: 'A retry with the same key returns the same document' } } },
          body: {
            type: 'object',
            required: ['to', 'files', 'meta'],
            properties: {
              from: { type: 'string', description: "The token's agency (may be left out)" },
              to: { anyOf: [{ type: 'array', items: { type: 'string' }, minItems: 1 }, { type: 'string' }], description: 'Agency codes from the directory, or e-mail addresses' },
              files: { type: 'array', minItems: 1, items: { type: 'object', required: ['name', 'contentBase64'], properties: { name: { type: 'string' }, contentBase64: { type: 'string' }, role: { type: 'string', enum: ['main', 'annex'] } } } },
              meta: { type: 'object', additionalProperties: true, description: 'type, notation, summary, signer {position, name}, urgency, dueDate, processingDays, toPlaces' },
            },
          },
          response: { 201: { type: 'object', properties: { documentId: { type: 'integer' }, numberNotation: { type: 'string' }, year: { type: 'integer' }, number: { type: 'integer' }, sealed: { type: 'boolean' }, recipients: { type: 'array', items: anyObject } } }, ...errors },
        },
      },
      async (req, reply) => {
        const agency = tokenAgency(req, req.body.from);
        const files = req.body.files.map((x, i) => ({ name: x.name.normalize('NFC'), content: Buffer.from(x.contentBase64, 'base64'), role: x.role ?? (i === 0 ? ('main' as const) : ('annex' as const)) }));
        const to = Array.isArray(req.body.to) ? req.body.to : req.body.to.split(',');
        const key = req.headers['idempotency-key'];
        const submissionKey = key ? `http:${createHash('sha256').update(`${agency}\0${key}`).digest('hex')}` : undefined;
        const result = await submit(app, { agencyCode: agency, to, files, meta: parseSubmissionMeta(req.body.meta), source: 'http', submissionKey });
        await audit(app, req, 'api.submit', { agency, refType: 'outgoing', refId: result.documentId, data: { numberNotation: result.numberNotation } });
        return reply.code(201).send(result);
      },
    );

    f.get<{ Querystring: { since?: string } }>(
      '/documents',
      { config: bearer, schema: { summary: "Every recipient of the token's agency's outgoing documents, with its state", tags: ['documents'], querystring: { type: 'object', properties: { since: { type: 'string', description: 'ISO date: documents created since' } } }, response: { 200: anyObject, ...errors } } },
      async req => trackingReport(app, tokenAgency(req), req.query.since),
    );

    f.post<{ Params: { ref: string }; Body: { reason: string; agency?: string } }>(
      '/documents/:ref/recall',
      {
        config: bearer,
        schema: {
          summary: 'Recall an outgoing document (status 13 to every recipient that has it)',
          tags: ['documents'],
          params: { type: 'object', properties: { ref: { type: 'string', description: 'Document id, or number and notation such as 05/QĐ-SYT (URL-encoded)' } } },
          body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 }, agency: { type: 'string' } } },
          response: { 200: anyObject, ...errors },
        },
      },
      async req => {
        const agency = tokenAgency(req, req.body.agency);
        const r = await recall(app, agency, decodeURIComponent(req.params.ref), req.body.reason);
        await audit(app, req, 'api.recall', { agency, refType: 'outgoing', refId: r.documentId, data: { reason: req.body.reason } });
        return r;
      },
    );

    f.get<{ Querystring: { q?: string; status?: string; urgency?: string; after?: string; limit?: number } }>(
      '/register',
      {
        config: bearer,
        schema: {
          summary: "The token's agency's incoming register, newest first, by pages",
          tags: ['register'],
          querystring: { type: 'object', properties: { q: { type: 'string', description: 'Accent-insensitive search' }, status: { type: 'string' }, urgency: { type: 'string' }, after: { type: 'string', pattern: '^\\d{4}\\.\\d+$', description: 'year.arrivalNumber of the last entry of the previous page' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
          response: { 200: { type: 'object', properties: { total: { type: 'integer' }, next: { type: 'string', nullable: true }, entries: { type: 'array', items: anyObject } } }, ...errors },
        },
      },
      async req => {
        const filter = { agencyCode: tokenAgency(req), q: req.query.q, status: req.query.status, urgency: req.query.urgency };
        const [y, n] = (req.query.after ?? '').split('.').map(Number);
        const page = await searchEntries(app.db, filter, { after: req.query.after ? { year: y!, number: n! } : undefined, limit: req.query.limit ?? 100 });
        const last = page.rows.at(-1);
        return { total: await countEntries(app.db, filter), next: page.hasOlder && last ? `${last.year}.${last.arrival_number}` : null, entries: page.rows.map(e => entryJson(e)) };
      },
    );

    f.get<{ Params: { id: string } }>(
      '/register/:id',
      { config: bearer, schema: { summary: 'One incoming entry with its files and status history', tags: ['register'], params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d+$' } } }, response: { 200: anyObject, ...errors } } },
      async req => {
        const entry = await entryOf(app.db, tokenAgency(req), idParam(req.params.id));
        if (!entry) throw new BridgeError('NOT_FOUND', `no register entry ${req.params.id}`);
        const files = (await entryFiles(app.db, entry.id)).map(x => ({ name: x.name, contentType: x.content_type, size: Number(x.size), sha256: x.sha256, pages: x.pages, signatureVerdict: x.signature_verdict, signatureSummary: x.summary_vi }));
        const history = (await historyOf(app.db, 'entry', [entry.id])).map(h => ({ from: h.from_state, to: h.to_state, code: h.code, note: h.note, at: h.at }));
        return entryJson(entry, files, history);
      },
    );

    f.post<{ Params: { id: string }; Body: { status: string; note?: string } }>(
      '/register/:id/status',
      {
        config: bearer,
        schema: {
          summary: 'Move an incoming entry on: assigned (04), processing (05), done (06); the status packet goes to the sender',
          tags: ['register'],
          params: { type: 'object', properties: { id: { type: 'string', pattern: '^\\d+$' } } },
          body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['assigned', 'processing', 'done'] }, note: { type: 'string', maxLength: 2000 } } },
          response: { 200: { type: 'object', properties: { entry: { type: 'integer' }, status: { type: 'string' }, code: { type: 'string' }, queued: { type: 'boolean' } } }, ...errors },
        },
      },
      async req => {
        const agency = tokenAgency(req);
        const id = idParam(req.params.id);
        const r = await changeEntryStatus(app, agency, id, req.body.status, req.body.note);
        await audit(app, req, 'api.status', { agency, refType: 'entry', refId: id, data: { to: r.entry.status, code: r.code } });
        return { entry: r.entry.id, status: r.entry.status, code: r.code, queued: r.queued };
      },
    );

    f.get<{ Querystring: { state?: OutboxState } }>(
      '/outbox',
      { config: bearer, schema: { summary: "The token's agency's outbox (mails queued, sent, deferred, failed)", tags: ['outbox'], querystring: { type: 'object', properties: { state: { type: 'string', enum: ['queued', 'sending', 'sent', 'deferred', 'failed'] } } }, response: { 200: { type: 'array', items: anyObject }, ...errors } } },
      async req => (await listOutbox(app.db, { state: req.query.state, agencyCode: tokenAgency(req) })).map(({ message: _message, ...r }) => r),
    );
  };
}
