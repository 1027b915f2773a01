import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BridgeError } from '../errors.js';

export type BlobRef = { sha256: string; size: number };

const execFileAsync = promisify(execFile);

/**
 * What the pipelines use of a blob store (`ports.blobs`): the file store below, the default, or
 * the database's (db/blob-table.ts, `storage.blobStore: database`; docs/operations.md §Blobs in the database).
 */
export interface Blobs {
  /** Where a blob is, for the operator (a file path, or a name in the database). */
  pathOf(sha256: string): string;
  put(data: Buffer, opts?: { durable?: boolean }): Promise<BlobRef>;
  putAll(data: Buffer[], opts?: { durable?: boolean }): Promise<void>;
  putStream(source: Readable, opts?: { keepBelow?: number; durable?: boolean }): Promise<BlobRef & { bytes?: Buffer }>;
  get(sha256: string): Promise<Buffer>;
  stream(sha256: string): Readable;
  syncAll(sha256s?: string[]): Promise<void>;
  has(sha256: string): Promise<boolean>;
}

/**
 * Content-addressed files: `<root>/ab/cd/<sha256>`. A blob is written to a temporary file,
 * fsynced, then renamed into place, so a crash never leaves a partial blob under its name and
 * the same content is stored once. This is the "keep raw first" store of docs/mail.md §Keep raw first.
 */
export class BlobStore implements Blobs {
  constructor(readonly root: string) {}

  /** Path of a blob (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new BridgeError('BLOB_MISSING', `not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Store bytes; returns their hash. `durable: false` skips the fsync, for blobs that can be
   * derived again from a durable one (attachments extracted from a stored raw mail).
   */
  async put(data: Buffer, opts: { durable?: boolean } = {}): Promise<BlobRef> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const target = this.pathOf(sha256);
    if (await exists(target)) return { sha256, size: data.length };
    const tmp = await this.tempPath();
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      if (opts.durable !== false) await fh.sync();
    } finally {
      await fh.close();
    }
    await this.commit(tmp, target);
    return { sha256, size: data.length };
  }

  /**
   * Store several blobs (the files a composed mail refers to, before the transaction that queues
   * it: a transaction does database work only).
   */
  async putAll(data: Buffer[], opts: { durable?: boolean } = {}): Promise<void> {
    for (const d of data) await this.put(d, opts);
  }

  /**
   * Store a stream while hashing it (mailparser's stream-hash idiom). Nothing is held in memory
   * unless `keepBelow` is set: then the bytes of a blob up to that size are returned too.
   */
  async putStream(source: Readable, opts: { keepBelow?: number; durable?: boolean } = {}): Promise<BlobRef & { bytes?: Buffer }> {
    const hash = createHash('sha256');
    let size = 0;
    let kept: Buffer[] | null = opts.keepBelow ? [] : null;
    const tmp = await this.tempPath();
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (kept) {
          if (size <= opts.keepBelow!) kept.push(chunk);
          else kept = null;
        }
        done(null, chunk);
      },
    });
    await pipeline(source, hasher, createWriteStream(tmp));
    if (opts.durable !== false) {
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    const sha256 = hash.digest('hex');
    const target = this.pathOf(sha256);
    if (await exists(target)) await unlink(tmp);
    else await this.commit(tmp, target);
    return { sha256, size, ...(kept ? { bytes: Buffer.concat(kept) } : {}) };
  }

  /** Read a blob and check its hash (a corrupt blob is an error, never silently used). */
  async get(sha256: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.pathOf(sha256));
    } catch (err) {
      throw new BridgeError('BLOB_MISSING', `blob ${sha256} not found`, { cause: err });
    }
    if (createHash('sha256').update(data).digest('hex') !== sha256) throw new BridgeError('BLOB_MISSING', `blob ${sha256} is corrupt`);
    return data;
  }

  /** A read stream of a blob (no hash check; for large raw mails). */
  stream(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  /**
   * Make every blob written without fsync durable, in one go: syncfs(2) on the store's file system
   * (`sync -f`), falling back to fsync per listed blob. Intake calls it before mails leave the
   * server's inbox, so a power cut can never lose the only copy.
   */
  async syncAll(sha256s: string[] = []): Promise<void> {
    try {
      await execFileAsync('sync', ['-f', this.root]);
      return;
    } catch {
      /* no coreutils sync: fsync the files one by one */
    }
    for (const sha of sha256s) {
      const fh = await open(this.pathOf(sha), 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }

  /** True when the blob is stored. */
  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  private async tempPath(): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private async commit(tmp: string, target: string): Promise<void> {
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tmp, target);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    // ENOENT, or a file we may not stat: either way not a blob we can use.
    return false;
  }
}
