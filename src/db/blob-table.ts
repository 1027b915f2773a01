/**
 * The blob store in the database (docs/operations.md §Blobs in the database): the same contract as
 * the file store (src/store/blob-store.ts), for several hosts without a shared file system.
 * Content-addressed: a blob is named by the SHA-256 of its bytes and stored once. Streamed: bytes
 * go in chunks of `chunkBytes` (1 MiB) under a fresh upload id, each chunk its own statement, so
 * no transaction stays open while a mail downloads; then one short transaction names the upload by
 * its hash. A crash before that leaves only unnamed chunks (swept after a day), never a partial
 * blob. The caller stores the blob before the transaction that writes the row naming it, as with
 * files (docs/mail.md §Keep raw first): committed, so durable, when `put` returns.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BridgeError } from '../errors.js';
import type { BlobRef, Blobs } from '../store/blob-store.js';
import type { Db } from './connect.js';
import { inTransaction } from './transaction.js';

const SHA256 = /^[0-9a-f]{64}$/;
const DAY_MS = 24 * 3600 * 1000;

export class DbBlobStore implements Blobs {
  private swept = false;

  constructor(
    private readonly db: Db,
    /** The clock of the ports (chunk times, for the sweep). */
    private readonly now: () => Date,
    private readonly chunkBytes = 1024 * 1024,
  ) {}

  /** Where a blob is, for the operator's eyes (there is no file path). */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new BridgeError('BLOB_MISSING', `not a sha256: ${sha256}`);
    return `database:blobs/${sha256}`;
  }

  async put(data: Buffer): Promise<BlobRef> {
    const { sha256, size } = await this.putStream(Readable.from([data]));
    return { sha256, size };
  }

  async putAll(data: Buffer[]): Promise<void> {
    for (const d of data) await this.put(d);
  }

  /** Store a stream while hashing it, chunk by chunk; `keepBelow` returns the bytes of a small blob too. */
  async putStream(source: Readable, opts: { keepBelow?: number } = {}): Promise<BlobRef & { bytes?: Buffer }> {
    await this.sweepOnce();
    const uploadId = randomBytes(16).toString('hex');
    const createdAt = this.now().toISOString();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    let kept: Buffer[] | null = opts.keepBelow ? [] : null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await this.db('blob_chunks').insert({ upload_id: uploadId, seq: seq++, data, created_at: createdAt });
    };
    try {
      for await (const c of source) {
        const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
        hash.update(chunk);
        size += chunk.length;
        if (kept) {
          if (size <= opts.keepBelow!) kept.push(chunk);
          else kept = null;
        }
        for (let off = 0; off < chunk.length; ) {
          const take = Math.min(chunk.length - off, this.chunkBytes - pendingBytes);
          pending.push(chunk.subarray(off, off + take));
          pendingBytes += take;
          off += take;
          if (pendingBytes === this.chunkBytes) await flush();
        }
      }
      await flush();
    } catch (err) {
      await this.db('blob_chunks').where({ upload_id: uploadId }).delete().catch(() => {}); // else the sweep removes them
      throw err;
    }
    const sha256 = hash.digest('hex');
    // The name: a second upload of the same bytes finds the first and drops its own chunks.
    await inTransaction(this.db, async trx => {
      const inserted = await trx('blobs').insert({ sha256, upload_id: uploadId, size, chunks: seq, created_at: createdAt }).onConflict('sha256').ignore().returning('sha256');
      if (inserted.length === 0) await trx('blob_chunks').where({ upload_id: uploadId }).delete();
    });
    return { sha256, size, ...(kept ? { bytes: Buffer.concat(kept) } : {}) };
  }

  /** Read a blob and check its hash (a corrupt blob is an error, never silently used). */
  async get(sha256: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of this.stream(sha256)) parts.push(c as Buffer);
    const data = Buffer.concat(parts);
    if (createHash('sha256').update(data).digest('hex') !== sha256) throw new BridgeError('BLOB_MISSING', `blob ${sha256} is corrupt`);
    return data;
  }

  /** A stream of a blob, one chunk per query (a large raw mail is never held whole). */
  stream(sha256: string): Readable {
    const db = this.db;
    const where = this.pathOf(sha256);
    return Readable.from(
      (async function* () {
        const blob: { upload_id: string; chunks: number } | undefined = await db('blobs').where({ sha256 }).first('upload_id', 'chunks');
        if (!blob) throw new BridgeError('BLOB_MISSING', `blob ${sha256} not found (${where})`);
        for (let seq = 0; seq < Number(blob.chunks); seq++) {
          const row: { data: Buffer } | undefined = await db('blob_chunks').where({ upload_id: blob.upload_id, seq }).first('data');
          if (!row) throw new BridgeError('BLOB_MISSING', `blob ${sha256} is missing chunk ${seq}`);
          yield Buffer.from(row.data);
        }
      })(),
      { objectMode: false },
    );
  }

  /** Every put is committed when it returns: nothing to sync. */
  async syncAll(): Promise<void> {}

  async has(sha256: string): Promise<boolean> {
    return (await this.db('blobs').where({ sha256 }).first('sha256')) !== undefined;
  }

  /** Chunks of uploads that never got their name (a crash mid-upload), older than a day, once per process. */
  async sweep(before: Date): Promise<number> {
    return this.db('blob_chunks')
      .where('created_at', '<', before.toISOString())
      .whereNotIn('upload_id', this.db('blobs').select('upload_id'))
      .delete();
  }

  private async sweepOnce(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    await this.sweep(new Date(this.now().getTime() - DAY_MS));
  }
}
