/**
 * Multipart uploads streamed to a temporary folder, never held whole in memory (docs/security.md
 * §Uploads). Each file is limited while it streams (@fastify/multipart's fileSize: the stream
 * errors as soon as the limit is passed and the rest is not read); a request that announces
 * more than the route allows is refused before its body is read at all.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.js';

export type UploadedFile = { field: string; name: string; path: string; size: number; mimetype: string };
export type Upload = { fields: Record<string, string>; files: UploadedFile[]; read(f: UploadedFile): Promise<Buffer>; cleanup(): Promise<void> };

/** How many files a form may carry (a document, its annexes), and how many text fields. */
export const UPLOAD_LIMITS = { files: 10, fields: 60, fieldSize: 64 * 1024 } as const;

/** Read a multipart form: text fields in memory (small), files to disk within `maxFileBytes` each. */
export async function readUpload(req: FastifyRequest, maxFileBytes: number): Promise<Upload> {
  if (!req.isMultipart()) throw new BridgeError('USAGE', 'this form must be sent as multipart/form-data');
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-upload-'));
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const parts = req.parts({ limits: { fileSize: maxFileBytes, files: UPLOAD_LIMITS.files, fields: UPLOAD_LIMITS.fields, fieldSize: UPLOAD_LIMITS.fieldSize } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value.normalize('NFC');
        continue;
      }
      if (!part.filename) {
        part.file.resume(); // an empty file input
        continue;
      }
      const target = path.join(dir, `${files.length}.upload`);
      // busboy only ends a truncated file at the part's end (after reading the rest): stop at the limit instead.
      part.file.once('limit', () => part.file.destroy(new BridgeError('UPLOAD_TOO_LARGE', `${cleanName(part.filename)} is over ${maxFileBytes} bytes`)));
      await pipeline(part.file, createWriteStream(target));
      if (part.file.truncated) throw new BridgeError('UPLOAD_TOO_LARGE', `${cleanName(part.filename)} is over ${maxFileBytes} bytes`);
      files.push({ field: part.fieldname, name: cleanName(part.filename), path: target, size: part.file.bytesRead, mimetype: part.mimetype });
    }
  } catch (err) {
    await cleanup();
    if (err instanceof BridgeError) throw err;
    const e = err as { code?: string; statusCode?: number };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) throw new BridgeError('UPLOAD_TOO_LARGE', `a file is over ${maxFileBytes} bytes`, { cause: err });
    if (e.code === 'FST_FILES_LIMIT' || e.code === 'FST_FIELDS_LIMIT' || e.code === 'FST_PARTS_LIMIT') throw new BridgeError('USAGE', 'too many files or fields in one form', { cause: err });
    throw err;
  }
  return { fields, files, read: f => readFile(f.path), cleanup };
}

/** A file name as the clerk's browser sent it: its last path segment, NFC, no control characters. */
export function cleanName(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200) || 'tep.pdf';
}
