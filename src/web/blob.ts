import type { FastifyReply } from 'fastify';
import type { App } from '../app.js';
import { hasPdfMagic } from '../mail/parse.js';

/**
 * Serve a stored file (docs/security.md §Pages and files): a PDF inline, so the entry page can show it in
 * a frame of ours (this response alone may be framed, by our own pages); anything else as a
 * download, never rendered. The type is decided by the bytes, not by what the sender declared,
 * and the name goes in RFC 6266 / RFC 5987 form (a sender's name cannot break the header).
 */
export async function sendBlob(app: App, reply: FastifyReply, f: { sha256: string; name: string; pdf: boolean }): Promise<FastifyReply> {
  const bytes = await app.ports.blobs.get(f.sha256);
  const pdf = f.pdf && hasPdfMagic(bytes);
  const ascii = f.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').replace(/[^\w.-]+/g, '_').slice(0, 100) || 'tep';
  reply
    .header('Cache-Control', 'private, no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Disposition', `${pdf ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name.normalize('NFC'))}`)
    // The PDF runs in the browser's own viewer: no scripts of ours, framed only by our pages.
    .header('Content-Security-Policy', pdf ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'" : "default-src 'none'; sandbox; frame-ancestors 'none'")
    .header('X-Frame-Options', pdf ? 'SAMEORIGIN' : 'DENY');
  return reply.type(pdf ? 'application/pdf' : 'application/octet-stream').send(bytes);
}
