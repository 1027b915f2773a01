/**
 * A raw mail kept in the file blob store, read where it lies (docs/hostile-input.md §Memory of one
 * large mail): the intake hands the prepare worker the mail's address, not its bytes; the worker
 * parses it as a stream and writes its large attachments back to the store as they are decoded.
 * Plain data, so it crosses to a worker thread. The database blob store has no files: its mails
 * are still read whole (docs/operations.md §Blobs in the database).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { BridgeError } from '../errors.js';
import type { AttachmentStore, MailSource } from '../mail/source.js';
import { BlobStore, type Blobs } from './blob-store.js';
import { releaseGarbage } from './release-garbage.js';

/** Where a stored raw mail is: the store's root, its hash and size. */
export type StoredMail = { root: string; sha256: string; size: number };

/**
 * The stored mail is read 256 KiB at a time: chunks above glibc's mmap threshold go back to the
 * system when freed, smaller ones stay in malloc's arenas (docs/hostile-input.md §Memory of one large mail).
 */
const READ_CHUNK = 256 * 1024;

/** A full read of a stored mail collects the thread's garbage after every this many bytes. */
const COLLECT_EVERY = 8 * 1024 * 1024;

/** Decoded parts above this go to the store while the mail is parsed (below, a copy costs little). */
export const STORE_PARTS_ABOVE = 1024 * 1024;

/** The stored mail's address when the blobs are files, else null (read it whole then). */
export function storedMail(blobs: Blobs, sha256: string, size: number): StoredMail | null {
  return blobs instanceof BlobStore ? { root: blobs.root, sha256, size } : null;
}

/**
 * The stored mail as a MailSource (a full read checks the hash at its end, as BlobStore.get does)
 * and its store as the AttachmentStore its large parts go to (without fsync: they derive from the
 * raw mail, and the intake syncs the store before the mail leaves the inbox).
 */
export function openStoredMail(m: StoredMail): { source: MailSource; store: AttachmentStore } {
  const blobs = new BlobStore(m.root);
  const file = blobs.pathOf(m.sha256);
  const source: MailSource = {
    size: m.size,
    stream(range) {
      const input = createReadStream(file, { highWaterMark: READ_CHUNK, ...(range ? { start: range.start, end: range.end } : {}) });
      // Only a full read is hash checked; any long read collects its garbage as it goes.
      const whole = !range;
      if (range && range.end - range.start < COLLECT_EVERY) return input;
      const hash = whole ? createHash('sha256') : null;
      let sinceCollected = 0;
      const check = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash?.update(chunk);
          sinceCollected += chunk.length;
          if (sinceCollected < COLLECT_EVERY) return done(null, chunk);
          // The chunks read so far and what the parser decoded from them are garbage: collected
          // now, they never pile up to V8's own threshold (docs/hostile-input.md §Memory of one large mail).
          sinceCollected = 0;
          void releaseGarbage().then(() => done(null, chunk));
        },
        flush(done) {
          done(!hash || hash.digest('hex') === m.sha256 ? null : new BridgeError('BLOB_MISSING', `blob ${m.sha256} is corrupt`));
        },
      });
      input.once('error', err => check.destroy(new BridgeError('BLOB_MISSING', `blob ${m.sha256} not readable`, { cause: err })));
      return input.pipe(check);
    },
  };
  const store: AttachmentStore = {
    above: STORE_PARTS_ABOVE,
    put: async s => blobs.putStream(s, { durable: false }),
    get: async sha256 => {
      // A large part read back: the parse's garbage goes first, not beside it.
      await releaseGarbage();
      return blobs.get(sha256);
    },
    has: async sha256 => blobs.has(sha256),
  };
  return { source, store };
}
