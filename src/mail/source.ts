/**
 * A mail's bytes as streams (docs/hostile-input.md §Memory of one large mail): a Buffer, or a stored
 * file opened by the caller, read more than once (the header probe, the parse, the boundary check)
 * without the whole mail ever being one Buffer. Decoded attachments too large to keep while parsing
 * go to an AttachmentStore the caller gives (the blob store), hashed on the way.
 */
import { Readable, Transform, type Writable } from 'node:stream';

/** Readable bytes of one mail; `stream()` may be called several times. */
export type MailSource = {
  size: number;
  /** The bytes from `start` to `end` (inclusive), all of them by default. */
  stream(range?: { start: number; end: number }): Readable;
};

/** Where a decoded part larger than `above` bytes is written while it is decoded. */
export type AttachmentStore = {
  above: number;
  /** Store a stream, hashing it; the blob's address. */
  put(source: Readable): Promise<{ sha256: string; size: number }>;
  /** The stored bytes, hash checked. */
  get(sha256: string): Promise<Buffer>;
  /** True when stored. */
  has(sha256: string): Promise<boolean>;
};

/** The slice size a Buffer is streamed in: the decoders then work slice by slice. */
const SLICE = 256 * 1024;

/** A Buffer as a MailSource of 256 KiB views (no copies). */
export function bufferSource(b: Buffer): MailSource {
  return {
    size: b.length,
    stream(range) {
      const from = range?.start ?? 0;
      const to = Math.min(b.length, (range?.end ?? b.length - 1) + 1);
      return Readable.from(
        (function* () {
          for (let i = from; i < to; i += SLICE) yield b.subarray(i, Math.min(to, i + SLICE));
        })(),
        { objectMode: false },
      );
    },
  };
}

/** All the bytes of a stream as one Buffer. */
export async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** `from` piped into `to`, an error of `from` (an unreadable or corrupt stored mail) passed on to `to`. */
export function pipeInto<T extends Writable>(from: Readable, to: T): T {
  from.once('error', err => to.destroy(err));
  return from.pipe(to);
}

/** A pass-through that drops NUL bytes (not allowed in RFC 5322 text) and counts them. */
export function withoutNuls(): Transform & { removed: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (chunk.indexOf(0) < 0) return done(null, chunk);
      const kept = Buffer.from(chunk.filter(b => b !== 0));
      (t as Transform & { removed: number }).removed += chunk.length - kept.length;
      done(null, kept);
    },
  }) as Transform & { removed: number };
  t.removed = 0;
  return t;
}

/**
 * Which of `needles` occur in the source (NULs dropped first, as the parser sees it), searched chunk
 * by chunk with an overlap so a needle across two chunks is found.
 */
export async function findAll(src: MailSource, needles: string[]): Promise<boolean[]> {
  const bufs = needles.map(n => Buffer.from(n, 'latin1'));
  const found = bufs.map(() => false);
  const overlap = Math.max(0, ...bufs.map(b => b.length)) - 1;
  let tail = Buffer.alloc(0);
  // A range: no second hash check on this second read (store/stored-mail.ts).
  const input = src.stream({ start: 0, end: src.size - 1 });
  try {
    for await (const c of pipeInto(input, withoutNuls())) {
      const chunk = tail.length ? Buffer.concat([tail, c as Buffer]) : (c as Buffer);
      bufs.forEach((b, i) => (found[i] ||= chunk.includes(b)));
      if (found.every(Boolean)) break;
      tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - overlap)));
    }
  } finally {
    input.destroy(); // found early: the rest is not read
  }
  return found;
}
