import { createHash, type Hash } from 'node:crypto';
import { normalizeMessageId } from '../mail/headers.js';

/**
 * Headers added on every delivery hop: two deliveries of the same mail differ only there, so the
 * content key of a mail without a Message-ID leaves them out (docs/mail.md §Dedupe keys).
 */
const TRACE_HEADERS = new Set(['received', 'return-path', 'delivered-to', 'x-original-to', 'x-delivered-to']);

/** Split raw bytes at the end of the header block (CRLF CRLF or LF LF). */
function splitHeader(raw: Buffer): { header: string; body: Buffer } {
  let end = raw.indexOf('\r\n\r\n');
  let sep = 4;
  const lf = raw.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end < 0) return { header: raw.toString('latin1'), body: Buffer.alloc(0) };
  return { header: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + sep) };
}

/** A hash that has taken the header block without its trace headers (line ends normalised). */
function headerHash(header: string): Hash {
  const fields = header.replace(/\r\n/g, '\n').split(/\n(?![ \t])/);
  const kept = fields.filter(f => !TRACE_HEADERS.has(f.slice(0, f.indexOf(':')).trim().toLowerCase()));
  const h = createHash('sha256');
  h.update(kept.join('\n'), 'latin1');
  h.update('\n\n');
  return h;
}

/** SHA-256 of the mail without its trace headers (header lines unfolded, line ends normalised). */
export function contentKey(raw: Buffer): string {
  const { header, body } = splitHeader(raw);
  return `sha256:${headerHash(header).update(body).digest('hex')}`;
}

/** A header block longer than this is not looked for further in a stream. */
const MAX_STREAM_HEADER = 1024 * 1024;

/**
 * contentKey of a mail too large to hold, read as a stream: the same key as contentKey of the same
 * bytes whenever the header block ends within its first MiB (else the raw hash stands in).
 */
export async function contentKeyOfStream(chunks: AsyncIterable<Buffer>): Promise<string> {
  const head: Buffer[] = [];
  let h: Hash | undefined;
  let headBytes = 0;
  for await (const chunk of chunks) {
    if (h) {
      h.update(chunk);
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    const buf = Buffer.concat(head);
    if (buf.indexOf('\r\n\r\n') >= 0 || buf.indexOf('\n\n') >= 0) {
      const { header, body } = splitHeader(buf);
      h = headerHash(header).update(body);
    } else if (headBytes > MAX_STREAM_HEADER) {
      h = createHash('sha256').update(buf); // no header block: the raw bytes stand in
    }
    if (h) head.length = 0;
  }
  return h ? `sha256:${h.digest('hex')}` : contentKey(Buffer.concat(head));
}

/** The first Message-ID header value in the raw header block, if any. */
export function rawMessageId(raw: Buffer): string | null {
  const { header } = splitHeader(raw.subarray(0, Math.min(raw.length, 256 * 1024)));
  const m = /^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(header);
  return normalizeMessageId(m?.[1]?.replace(/\r?\n[ \t]/g, ' '));
}

/** The dedupe key of a mail: its Message-ID, else its content hash. */
export function messageKey(raw: Buffer): { key: string; messageId: string | null } {
  const messageId = rawMessageId(raw);
  return { key: messageId ?? contentKey(raw), messageId };
}
