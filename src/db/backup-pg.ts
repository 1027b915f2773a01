/**
 * Online backup on PostgreSQL (docs/operations.md §Backups): pg_dump in its custom format, from a
 * snapshot this process exports (pg_export_snapshot in a REPEATABLE READ, read-only transaction).
 * The row counts and the blob hashes of the manifest are read in that same transaction, so they
 * describe exactly what the dump holds; the blob store is copied after the dump, and since every
 * blob is in place before the row that names it commits (docs/mail.md §Keep raw first), the copy
 * holds every blob the dump names. `pg_restore --list` then reads the archive back as a check.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { readSecret } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import { blobPath, blobsInDatabase, copyBlobStore, countRows, freeName, fsyncFile, isFile, referencedBlobs, sha256File, stamp, writeManifest, type BackupManifest, type TableColumns } from './backup-files.js';
import { asUnavailable, openDb, type Db } from './connect.js';

/** Run a PostgreSQL client program; its stderr becomes the error. A missing program says what to install. */
function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    child.on('error', e => {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      reject(missing ? new BridgeError('CONFIG_INVALID', `${program} is not installed: apt-get install postgresql-client (the same major version as the server)`) : e);
    });
    child.on('close', code => (code === 0 ? resolve(out) : reject(new BridgeError('INTERNAL', `${program} failed (exit ${code}): ${err.trim().split('\n')[0] ?? ''}`))));
  });
}

/** The tables and columns of the current schema, as the snapshot sees them. */
async function tablesOf(trx: Db): Promise<TableColumns[]> {
  const rows: Array<{ table_name: string; column_name: string }> = await trx('information_schema.columns')
    .where('table_schema', trx.raw('current_schema()'))
    .orderBy(['table_name', 'ordinal_position'])
    .select('table_name', 'column_name');
  const byTable = new Map<string, string[]>();
  for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r.column_name]);
  return [...byTable].map(([name, columns]) => ({ name, columns }));
}

export async function runPgBackup(config: Config, dir: string, now: Date, env: NodeJS.ProcessEnv): Promise<BackupManifest> {
  const d = config.storage.database;
  const password = d.passwordEnv ? readSecret(d.passwordEnv, 'storage.database.passwordEnv', env) : undefined;
  const url = new URL(d.connection!);
  // The password goes to pg_dump in its environment, never on its command line (ps would show it).
  const pgPassword = password ?? decodeURIComponent(url.password);
  url.password = '';
  const childEnv: NodeJS.ProcessEnv = { PATH: env.PATH ?? process.env.PATH, ...(pgPassword ? { PGPASSWORD: pgPassword } : {}) };

  const db = openDb(d, { password });
  try {
    let trx: Db;
    try {
      trx = await db.transaction();
      await trx.raw('set transaction isolation level repeatable read, read only');
    } catch (err) {
      throw asUnavailable(err, db);
    }
    // Backups hold every mail of every agency: readable by the service account only.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = await freeName(dir, `edoc-${stamp(now)}`, '.dump');
    const dumpFile = path.join(dir, `${name}.dump`);
    const partial = `${dumpFile}.partial`;
    let tables: Record<string, number>;
    let referenced: Set<string>;
    let inDatabase: Set<string>;
    try {
      const { rows } = (await trx.raw('select pg_export_snapshot() as id')) as { rows: Array<{ id: string }> };
      // Our snapshot stays valid while this transaction is open: pg_dump reads exactly it.
      const dumping = run('pg_dump', ['--format=custom', `--snapshot=${rows[0]!.id}`, '--no-owner', `--file=${partial}`, `--dbname=${url.toString()}`], childEnv);
      const schema = await tablesOf(trx);
      tables = await countRows(trx, schema.map(t => t.name).sort());
      referenced = await referencedBlobs(trx, schema);
      inDatabase = await blobsInDatabase(trx, schema);
      await dumping;
    } catch (err) {
      await unlink(partial).catch(() => {}); // a dump that failed half-way; none written is fine too
      throw err;
    } finally {
      await (trx as Db & { rollback(): Promise<void> }).rollback().catch(() => {}); // read-only: nothing to keep
    }
    await chmod(partial, 0o600);
    await fsyncFile(partial);
    await rename(partial, dumpFile);
    const listed = await run('pg_restore', ['--list', dumpFile], childEnv);
    const entries = listed.split('\n').filter(l => /^\d+;/.test(l)).length;

    const blobsDir = path.join(dir, 'blobs');
    const blobs = await copyBlobStore(config.storage.blobs, blobsDir);
    const missing: string[] = [];
    for (const sha of referenced) if (!inDatabase.has(sha) && !(await isFile(blobPath(blobsDir, sha)))) missing.push(sha);
    const manifest: BackupManifest = {
      format: 1,
      createdAt: now.toISOString(),
      database: { file: path.basename(dumpFile), bytes: (await stat(dumpFile)).size, sha256: await sha256File(dumpFile), tables, quickCheck: `pg_restore --list: ${entries} entries` },
      blobs: { dir: 'blobs', ...blobs },
      referenced: { checked: referenced.size, missing: missing.sort() },
      source: { database: `${url.hostname}:${url.port || '5432'}${url.pathname}`, blobs: config.storage.blobs },
    };
    await writeManifest(dir, name, manifest);
    return manifest;
  } finally {
    await db.destroy();
  }
}
