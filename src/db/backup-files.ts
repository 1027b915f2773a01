/**
 * What both backups share (docs/operations.md §Backups): the blob store copied incrementally beside
 * the database dump, the hashes a snapshot names, the manifest written last.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, opendir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './connect.js';

/** `20261121T095300Z`: sortable, no characters that file systems dislike. */
/** What a backup wrote; also `manifest.json` in the backup folder. */
export type BackupManifest = {
  format: 1;
  createdAt: string;
  database: { file: string; bytes: number; sha256: string; tables: Record<string, number>; quickCheck: string };
  blobs: { dir: string; files: number; bytes: number; linked: number; copied: number; alreadyPresent: number };
  /** Blob hashes named by the snapshot (every `sha256`/`*_sha256` column, outgoing file lists) and not in the backup. */
  referenced: { checked: number; missing: string[] };
  source: { database: string; blobs: string };
};

export type TableColumns = { name: string; columns: string[] };

export const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Hashes the snapshot names: every column called `sha256` or `*_sha256`, plus the files of
 * outgoing documents (JSON, originals and sent copies). Found by schema, so a later migration's
 * blob columns are covered if they follow the naming habit.
 */
export async function referencedBlobs(db: Db, tables: TableColumns[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const { name, columns } of tables) {
    for (const c of columns.filter(c => c === 'sha256' || c.endsWith('_sha256'))) {
      const values: Array<Record<string, unknown>> = await db(name).distinct(c).whereNotNull(c);
      for (const v of values) if (typeof v[c] === 'string' && SHA256.test(v[c] as string)) out.add(v[c] as string);
    }
    if (name === 'outgoing_documents' && columns.includes('files')) {
      for (const { files } of (await db(name).select('files')) as Array<{ files: string }>) {
        for (const f of JSON.parse(files) as Array<{ sha256?: string; originalSha256?: string }>) {
          for (const sha of [f.sha256, f.originalSha256]) if (sha && SHA256.test(sha)) out.add(sha);
        }
      }
    }
  }
  return out;
}

/** Blobs the snapshot itself holds (the database blob store's `blobs` table): in the dump, not files. */
export async function blobsInDatabase(db: Db, tables: TableColumns[]): Promise<Set<string>> {
  if (!tables.some(t => t.name === 'blobs')) return new Set();
  return new Set(((await db('blobs').select('sha256')) as Array<{ sha256: string }>).map(r => r.sha256));
}

/** A name not yet used in dir (two backups in the same second get -2, -3...). */
export async function freeName(dir: string, base: string, ext: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!(await isFile(path.join(dir, `${name}${ext}`)))) return name;
  }
}

/** Rows per table (knex's own bookkeeping tables included: they say which migrations ran). */
export async function countRows(db: Db, names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const [row] = await db(name).count({ n: '*' });
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}

/** Write the manifest: one per snapshot, and manifest.json for the latest (written last: its presence means complete). */
export async function writeManifest(dir: string, name: string, manifest: BackupManifest): Promise<void> {
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await writeFile(path.join(dir, `${name}.manifest.json`), text);
  const tmp = path.join(dir, `.manifest.json.${process.pid}`);
  await writeFile(tmp, text);
  await fsyncFile(tmp);
  await rename(tmp, path.join(dir, 'manifest.json'));
}

/** `20261121T095300Z`: sortable, no characters that file systems dislike. */
export function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Same layout as BlobStore.pathOf: `<root>/ab/cd/<sha256>`. */
export function blobPath(root: string, sha256: string): string {
  return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/**
 * Every blob of the store into `target` (same layout). Temporary files (`tmp/`) are skipped.
 * Hard links first; after the first EXDEV (another filesystem) or EPERM, copies only.
 */
export async function copyBlobStore(root: string, target: string): Promise<Omit<BackupManifest['blobs'], 'dir'>> {
  const counts = { files: 0, bytes: 0, linked: 0, copied: 0, alreadyPresent: 0 };
  let canLink = true;
  for await (const rel of walkBlobs(root)) {
    const from = path.join(root, rel);
    const to = path.join(target, rel);
    const size = (await stat(from)).size;
    counts.files++;
    counts.bytes += size;
    const there = await stat(to).catch(() => null); // not in the backup yet
    if (there && there.size === size) {
      counts.alreadyPresent++;
      continue;
    }
    await mkdir(path.dirname(to), { recursive: true });
    if (there) await unlink(to);
    if (canLink) {
      try {
        await link(from, to);
        counts.linked++;
        continue;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') {
          counts.alreadyPresent++;
          continue;
        }
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw err;
        canLink = false;
      }
    }
    // Copy under a temporary name, then rename: a crash never leaves a short file under a blob's name.
    const tmp = `${to}.tmp-${process.pid}`;
    await copyFile(from, tmp);
    await rename(tmp, to);
    counts.copied++;
  }
  return counts;
}

/** Relative paths `ab/cd/<sha256>` of the store's blobs. */
async function* walkBlobs(root: string): AsyncGenerator<string> {
  let top;
  try {
    top = await opendir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no blob stored yet
    throw err;
  }
  for await (const a of top) {
    if (!a.isDirectory() || !/^[0-9a-f]{2}$/.test(a.name)) continue;
    for await (const b of await opendir(path.join(root, a.name))) {
      if (!b.isDirectory() || !/^[0-9a-f]{2}$/.test(b.name)) continue;
      for await (const f of await opendir(path.join(root, a.name, b.name))) {
        if (f.isFile() && SHA256.test(f.name)) yield path.join(a.name, b.name, f.name);
      }
    }
  }
}

export async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isFile() ?? false;
}

export async function fsyncFile(p: string): Promise<void> {
  const fh = await open(p, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function sha256File(p: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
