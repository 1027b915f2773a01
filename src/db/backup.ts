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
 * PostgreSQL has its own consistent online dump, pg_dump (backup-pg.ts): we do not reimplement it.
 */
import { chmod, mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory from 'knex';
import type { Config } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import { blobPath, blobsInDatabase, copyBlobStore, countRows, freeName, fsyncFile, isFile, referencedBlobs, sha256File, stamp, writeManifest, type BackupManifest, type TableColumns } from './backup-files.js';
import { runPgBackup } from './backup-pg.js';
import { openDb, type Db } from './connect.js';

export type { BackupManifest } from './backup-files.js';

/** Why this configuration cannot be backed up, or null when it can. */
export function backupUnsupported(config: Config): string | null {
  if (config.storage.database.client === 'sqlite3' && config.storage.database.filename === ':memory:') return 'storage.database.filename is :memory:: nothing to back up';
  return null;
}

/** `<storage dir>/backups`: next to the database file (on PostgreSQL: next to the blob store). */
export function defaultBackupDir(config: Config): string {
  return path.join(path.dirname(config.storage.database.filename ?? config.storage.blobs), 'backups');
}

/**
 * Back up the database and the blob store into `dir`; returns the manifest written there.
 * PostgreSQL: pg_dump (backup-pg.ts); `env` holds the database password the configuration names.
 */
export async function runBackup(config: Config, dir: string, now: Date, env: NodeJS.ProcessEnv = process.env): Promise<BackupManifest> {
  const why = backupUnsupported(config);
  if (why) throw new BridgeError('CONFIG_INVALID', why);
  if (config.storage.database.client === 'pg') return runPgBackup(config, dir, now, env);
  const source = config.storage.database.filename!;
  if (!(await isFile(source))) throw new BridgeError('NOT_FOUND', `no database file at ${source}`);
  // Backups hold every mail of every agency: readable by the service account only.
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const name = await freeName(dir, `edoc-${stamp(now)}`, '.sqlite');
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
  let inDatabase: Set<string>;
  try {
    const rows: Array<{ quick_check: string }> = await snapshot.raw('PRAGMA quick_check');
    quickCheck = rows.map(r => r.quick_check).join('; ');
    const schema = await tablesOf(snapshot);
    tables = await countRows(snapshot, schema.map(t => t.name).sort());
    referencedHashes = await referencedBlobs(snapshot, schema);
    inDatabase = await blobsInDatabase(snapshot, schema);
  } finally {
    await snapshot.destroy();
  }
  if (quickCheck !== 'ok') throw new BridgeError('INTERNAL', `backup ${dbFile} failed its integrity check: ${quickCheck}`);

  const blobsDir = path.join(dir, 'blobs');
  const blobs = await copyBlobStore(config.storage.blobs, blobsDir);
  const missing: string[] = [];
  for (const sha of referencedHashes) if (!inDatabase.has(sha) && !(await isFile(blobPath(blobsDir, sha)))) missing.push(sha);

  const manifest: BackupManifest = {
    format: 1,
    createdAt: now.toISOString(),
    database: { file: path.basename(dbFile), bytes: (await stat(dbFile)).size, sha256: await sha256File(dbFile), tables, quickCheck },
    blobs: { dir: 'blobs', ...blobs },
    referenced: { checked: referencedHashes.size, missing: missing.sort() },
    source: { database: source, blobs: config.storage.blobs },
  };
  await writeManifest(dir, name, manifest);
  return manifest;
}

/** The snapshot's tables and their columns (SQLite's catalogue). */
async function tablesOf(db: Db): Promise<TableColumns[]> {
  const tables: Array<{ name: string }> = await db('sqlite_master').where({ type: 'table' }).andWhereNot('name', 'like', 'sqlite_%').select('name');
  const out: TableColumns[] = [];
  for (const { name } of tables) {
    const columns: Array<{ name: string }> = await db.raw(`PRAGMA table_info(${JSON.stringify(name)})`);
    out.push({ name, columns: columns.map(c => c.name) });
  }
  return out;
}
