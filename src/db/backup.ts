/**
 * Online backup (docs/operations.md §Backups) of the database and the raw-mail store, while the service runs.
 *
 * SQLite: `VACUUM INTO` writes a consistent snapshot from one read transaction. In WAL mode a
 * reader never blocks the writer, so intake and the outbox go on (https://sqlite.org/lang_vacuum.html#vacuuminto).
 * It runs on a connection of its own, so the service's single pooled connection stays free.
 * Blobs are content-addressed and immutable, and every blob is renamed into place before the row
 * that names it commits (docs/mail.md §Keep raw first): so a store walked *after* the snapshot holds
 * every blob the snapshot references. They go to a shared `<dir>/blobs` (incremental: a blob
 * already there is skipped), hard-linked when on the same filesystem, copied otherwise.
 * A hard link costs nothing but shares the disk: keep `--to` on another disk, or ship the folder away.
 *
 * PostgreSQL has its own consistent online dump: pg_dump. We do not reimplement it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, opendir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory from 'knex';
import type { Config } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import { openDb, type Db } from './connect.js';

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

/** Why this configuration cannot be backed up here, or null when it can. */
export function backupUnsupported(config: Config): string | null {
  if (config.storage.database.client === 'pg') {
    return 'storage.database.client is pg: this online backup is for SQLite; back up PostgreSQL with pg_dump (pg_dump -Fc -f edoc.dump <connection>), and copy storage.blobs (immutable files) with rsync';
  }
  if (config.storage.database.filename === ':memory:') return 'storage.database.filename is :memory:: nothing to back up';
  return null;
}

/** `<storage dir>/backups`: next to the database file. */
export function defaultBackupDir(config: Config): string {
  return path.join(path.dirname(config.storage.database.filename ?? config.storage.blobs), 'backups');
}

/** `20261121T095300Z`: sortable, no characters that file systems dislike. */
function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Back up the SQLite database and the blob store into `dir`; returns the manifest written there. */
export async function runBackup(config: Config, dir: string, now: Date): Promise<BackupManifest> {
  const why = backupUnsupported(config);
  if (why) throw new BridgeError('CONFIG_INVALID', why);
  const source = config.storage.database.filename!;
  if (!(await isFile(source))) throw new BridgeError('NOT_FOUND', `no database file at ${source}`);
  // Backups hold every mail of every agency: readable by the service account only.
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const name = await freeName(dir, `edoc-${stamp(now)}`);
  const dbFile = path.join(dir, `${name}.sqlite`);
  const partial = `${dbFile}.partial`;
  // A partial copy left by a backup that died: removed; none there (ENOENT) is the usual case.
  await unlink(partial).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  const src = openDb({ client: 'sqlite3', filename: source });
  try {
    await src.raw('VACUUM INTO ?', [partial]);
  } finally {
    await src.destroy();
  }
  await chmod(partial, 0o600);
  await fsyncFile(partial);
  await rename(partial, dbFile);

  // Read-only (a URI with mode=ro; knex always adds READWRITE to its flags): opening it the usual
  // way (openDb) would switch the copy to WAL and change its bytes after we hashed them.
  const snapshot = knexFactory({ client: 'sqlite3', connection: { filename: `${pathToFileURL(dbFile).href}?mode=ro`, flags: ['OPEN_URI'] }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  let tables: Record<string, number>;
  let quickCheck: string;
  let referencedHashes: Set<string>;
  try {
    const rows: Array<{ quick_check: string }> = await snapshot.raw('PRAGMA quick_check');
    quickCheck = rows.map(r => r.quick_check).join('; ');
    tables = await countRows(snapshot);
    referencedHashes = await referencedBlobs(snapshot);
  } finally {
    await snapshot.destroy();
  }
  if (quickCheck !== 'ok') throw new BridgeError('INTERNAL', `backup ${dbFile} failed its integrity check: ${quickCheck}`);

  const blobsDir = path.join(dir, 'blobs');
  const blobs = await copyBlobStore(config.storage.blobs, blobsDir);
  const missing: string[] = [];
  for (const sha of referencedHashes) if (!(await isFile(blobPath(blobsDir, sha)))) missing.push(sha);

  const manifest: BackupManifest = {
    format: 1,
    createdAt: now.toISOString(),
    database: { file: path.basename(dbFile), bytes: (await stat(dbFile)).size, sha256: await sha256File(dbFile), tables, quickCheck },
    blobs: { dir: 'blobs', ...blobs },
    referenced: { checked: referencedHashes.size, missing: missing.sort() },
    source: { database: source, blobs: config.storage.blobs },
  };
  // One manifest per snapshot, and manifest.json for the latest (written last: its presence means complete).
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await writeFile(path.join(dir, `${name}.manifest.json`), text);
  const tmp = path.join(dir, `.manifest.json.${process.pid}`);
  await writeFile(tmp, text);
  await fsyncFile(tmp);
  await rename(tmp, path.join(dir, 'manifest.json'));
  return manifest;
}

/** A name not yet used in dir (two backups in the same second get -2, -3...). */
async function freeName(dir: string, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!(await isFile(path.join(dir, `${name}.sqlite`)))) return name;
  }
}

/** Rows per table of the snapshot (knex's own bookkeeping tables included: they say which migrations ran). */
async function countRows(db: Db): Promise<Record<string, number>> {
  const names: Array<{ name: string }> = await db('sqlite_master').where({ type: 'table' }).andWhereNot('name', 'like', 'sqlite_%').orderBy('name').select('name');
  const out: Record<string, number> = {};
  for (const { name } of names) {
    const [row] = await db(name).count({ n: '*' });
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Hashes the snapshot names: every column called `sha256` or `*_sha256`, plus the files of
 * outgoing documents (JSON, originals and sent copies). Found by schema, so a later migration's
 * blob columns are covered if they follow the naming habit.
 */
async function referencedBlobs(db: Db): Promise<Set<string>> {
  const out = new Set<string>();
  const tables: Array<{ name: string }> = await db('sqlite_master').where({ type: 'table' }).andWhereNot('name', 'like', 'sqlite_%').select('name');
  for (const { name } of tables) {
    const columns: Array<{ name: string }> = await db.raw(`PRAGMA table_info(${JSON.stringify(name)})`);
    for (const c of columns.filter(c => c.name === 'sha256' || c.name.endsWith('_sha256'))) {
      const values: Array<Record<string, unknown>> = await db(name).distinct(c.name).whereNotNull(c.name);
      for (const v of values) if (typeof v[c.name] === 'string' && SHA256.test(v[c.name] as string)) out.add(v[c.name] as string);
    }
    if (name === 'outgoing_documents' && columns.some(c => c.name === 'files')) {
      for (const { files } of (await db(name).select('files')) as Array<{ files: string }>) {
        for (const f of JSON.parse(files) as Array<{ sha256?: string; originalSha256?: string }>) {
          for (const sha of [f.sha256, f.originalSha256]) if (sha && SHA256.test(sha)) out.add(sha);
        }
      }
    }
  }
  return out;
}

/** Same layout as BlobStore.pathOf: `<root>/ab/cd/<sha256>`. */
function blobPath(root: string, sha256: string): string {
  return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/**
 * Every blob of the store into `target` (same layout). Temporary files (`tmp/`) are skipped.
 * Hard links first; after the first EXDEV (another filesystem) or EPERM, copies only.
 */
async function copyBlobStore(root: string, target: string): Promise<Omit<BackupManifest['blobs'], 'dir'>> {
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

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isFile() ?? false;
}

async function fsyncFile(p: string): Promise<void> {
  const fh = await open(p, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function sha256File(p: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
