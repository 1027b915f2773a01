import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { App } from '../app.js';
import { listOutbox } from '../db/outbox.js';
import { BridgeError, type ErrorCode } from '../errors.js';
import { isClerkStep, setEntryStatus } from '../outbound/clerk-status.js';
import { recallDocument } from '../outbound/recall.js';
import { submitDocument } from '../outbound/submit.js';
import { parseSubmissionMeta, type SubmissionFile } from '../outbound/submission.js';
import { buildReconcileReport } from '../reconcile/report.js';

/** An API answer: status and a JSON body. */
export type ApiResponse = { status: number; body: unknown };

/** Largest accepted request body (base64 PDFs): 80 MiB. */
const MAX_BODY = 80 * 1024 * 1024;

/** BridgeError codes → HTTP status; anything else is a 500. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  PDF_UNREADABLE: 400,
  EDXML_INVALID: 400,
  NOT_FOUND: 404,
  STATUS_CONFLICT: 409,
  DB_CONFLICT: 409,
  KEY_UNAVAILABLE: 503,
  SIGNING_FAILED: 500,
};

type Route = { method: 'GET' | 'POST'; path: RegExp; run(app: App, m: RegExpMatchArray, body: () => Promise<Record<string, unknown>>, url: URL, req: http.IncomingMessage): Promise<ApiResponse> };

/**
 * The JSON API (docs/registers.md §Submitting outgoing documents, docs/operations.md §Dashboard and API), behind the dashboard login:
 *   POST /api/documents                {from, to: [CODE|ADDRESS], files: [{name, contentBase64, role?}], meta}; Idempotency-Key header
 *   GET  /api/documents                every recipient of every outgoing document with its state (?since=, ?agency=)
 *   POST /api/documents/:ref/recall    {reason, agency?}
 *   POST /api/register/:id/status      {status: assigned|processing|done, note?}
 *   GET  /api/outbox                   (?state=, ?agency=)
 */
export const API_ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: /^\/api\/documents$/,
    run: async (app, _m, body, _url, req) => {
      const b = await body();
      const files: SubmissionFile[] = (Array.isArray(b.files) ? b.files : []).map((f: Record<string, unknown>, i: number) => {
        if (typeof f.name !== 'string' || typeof f.contentBase64 !== 'string') throw new BridgeError('USAGE', `files[${i}] needs name and contentBase64`);
        return { name: f.name.normalize('NFC'), content: Buffer.from(f.contentBase64, 'base64'), role: f.role === 'annex' ? 'annex' : i === 0 ? 'main' : 'annex' };
      });
      const to = Array.isArray(b.to) ? b.to.map(String) : typeof b.to === 'string' ? b.to.split(',') : [];
      // A client retrying after a lost answer sends the same Idempotency-Key and gets the same document.
      const key = req.headers['idempotency-key'];
      const submissionKey = typeof key === 'string' && key ? `http:${createHash('sha256').update(`${String(b.from)}\0${key}`).digest('hex')}` : undefined;
      const result = await submitDocument(app, { agencyCode: String(b.from ?? ''), to, files, meta: parseSubmissionMeta(b.meta ?? {}), source: 'http', submissionKey });
      return { status: 201, body: result };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/documents$/,
    run: async (app, _m, _b, url) => ({ status: 200, body: await buildReconcileReport(app.db, app.clock.now(), { since: url.searchParams.get('since') ?? undefined, agencyCode: url.searchParams.get('agency') ?? undefined }) }),
  },
  {
    method: 'POST',
    path: /^\/api\/documents\/([^/]+)\/recall$/,
    run: async (app, m, body) => {
      const b = await body();
      return { status: 200, body: await recallDocument(app, decodeURIComponent(m[1]!), String(b.reason ?? ''), { agencyCode: typeof b.agency === 'string' ? b.agency : undefined }) };
    },
  },
  {
    method: 'POST',
    path: /^\/api\/register\/(\d+)\/status$/,
    run: async (app, m, body) => {
      const b = await body();
      const step = String(b.status ?? '');
      if (!isClerkStep(step)) throw new BridgeError('USAGE', 'status must be assigned, processing or done');
      const r = await setEntryStatus(app, Number(m[1]), step, typeof b.note === 'string' ? b.note : undefined);
      return { status: 200, body: { entry: r.entry.id, status: r.entry.status, code: r.code, queued: r.queued } };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/outbox$/,
    run: async (app, _m, _b, url) => {
      const rows = await listOutbox(app.db, { state: (url.searchParams.get('state') ?? undefined) as never, agencyCode: url.searchParams.get('agency') ?? undefined });
      return { status: 200, body: rows.map(({ message: _message, ...r }) => r) };
    },
  },
];

/** Answer an /api/ request (the caller has checked the login); null when no route matches. */
export async function handleApi(app: App, req: http.IncomingMessage, url: URL): Promise<ApiResponse | null> {
  for (const route of API_ROUTES) {
    const m = url.pathname.match(route.path);
    if (!m) continue;
    if (req.method !== route.method) continue;
    try {
      return await route.run(app, m, () => readJson(req), url, req);
    } catch (err) {
      if (err instanceof BridgeError && STATUS_BY_CODE[err.code]) return { status: STATUS_BY_CODE[err.code]!, body: { error: err.code, message: err.message } };
      throw err;
    }
  }
  return url.pathname.startsWith('/api/') ? { status: 404, body: { error: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` } } : null;
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BridgeError('USAGE', `request body over ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (cause) {
    throw new BridgeError('USAGE', 'request body must be a JSON object', { cause });
  }
}
