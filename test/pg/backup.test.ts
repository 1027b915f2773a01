/**
 * `db backup` on PostgreSQL (runs in the PostgreSQL pass of scripts/test.sh): pg_dump of one
 * exported snapshot while another connection keeps writing, the manifest's counts and blob check
 * read from that same snapshot, and a restore of the dump into an empty database gives those rows.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { migrate, openDb, type Db } from '../../src/db/connect.js';
import { DbBlobStore } from '../../src/db/blob-table.js';
import { BlobStore, type Blobs } from '../../src/store/blob-store.js';
import { cli } from '../helpers/capture.js';
import { agencies, receivedMail } from '../helpers/factories.js';
import { createPgDatabase } from '../helpers/pg.js';
import { configObject, worldEnv, A } from '../helpers/world.js';

async function receive(db: Db, blobs: Blobs, i: number): Promise<string> {
  const { sha256, size } = await blobs.put(Buffer.from(`Message-ID: <m${i}@ubnd.vinhlong.test>\r\nSubject: Văn bản ${i}\r\n\r\nNội dung ${i}\r\n`));
  await receivedMail(db, { agencyCode: A.code, messageId: `<m${i}@ubnd.vinhlong.test>`, rawSha256: sha256, rawSize: size, state: 'stored', at: new Date() });
  return sha256;
}

for (const blobStore of ['files', 'database'] as const) {
test(`db backup on PostgreSQL, blobs in ${blobStore}: pg_dump of one snapshot while another connection writes; the manifest matches the dump; it restores`, async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-pgbackup-'));
  const source = await createPgDatabase();
  const target = await createPgDatabase();
  t.teardown(async () => {
    await source.drop();
    await target.drop();
    await rm(dir, { recursive: true, force: true });
  });
  // The password comes from passwordEnv, as in production; the URL in the file has none.
  const url = new URL(source.url);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, stringify(configObject(dir, ['soyte'], { blobStore, database: { client: 'pg', connection: url.toString(), passwordEnv: 'EDOC_DB_PASSWORD' } })));
  const env = worldEnv(undefined, { EDOC_BRIDGE_CONFIG: file, EDOC_DB_PASSWORD: password });

  t.is((await cli(['db', 'migrate'], env)).code, 0);
  const writer = openDb({ client: 'pg', connection: source.url });
  t.teardown(() => writer.destroy());
  await agencies(writer, [A.code]);
  const blobs: Blobs = blobStore === 'files' ? new BlobStore(path.join(dir, 'blobs')) : new DbBlobStore(writer, () => new Date());
  for (let i = 0; i < 30; i++) await receive(writer, blobs, i);

  let stop = false;
  let written = 30;
  const writing = (async () => {
    while (!stop) await receive(writer, blobs, written++);
  })();
  const to = path.join(dir, 'backup');
  const r = await cli(['db', 'backup', '--to', to, '--json'], env);
  stop = true;
  await writing;
  t.is(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  t.regex(m.database.file, /^edoc-\d{8}T\d{6}Z\.dump$/);
  t.regex(m.database.quickCheck, /^pg_restore --list: \d+ entries$/);
  const dump = await readFile(path.join(to, m.database.file));
  t.is(createHash('sha256').update(dump).digest('hex'), m.database.sha256);
  t.deepEqual(m.referenced.missing, []);
  t.true(m.database.tables.received_mails >= 30);
  t.is(m.referenced.checked, m.database.tables.received_mails, 'every row of the snapshot names its own raw mail');

  // Restore into an empty database: exactly the snapshot's rows, every blob they name in the backup.
  const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${target.url}`, path.join(to, m.database.file)], { encoding: 'utf8' });
  t.is(restore.status, 0, restore.stderr);
  const restored = openDb({ client: 'pg', connection: target.url });
  t.teardown(() => restored.destroy());
  const rows: Array<{ raw_sha256: string }> = await restored('received_mails').select('raw_sha256');
  t.is(rows.length, m.database.tables.received_mails);
  t.is(Number((await restored('register_counters').count({ n: '*' }))[0]!.n), m.database.tables.register_counters);
  // Files: in the backup's blobs/; database: in the restored tables, the file copy empty.
  const restoredBlobs = new DbBlobStore(restored, () => new Date());
  for (const { raw_sha256 } of rows) {
    const copy = blobStore === 'files' ? await readFile(path.join(to, 'blobs', raw_sha256.slice(0, 2), raw_sha256.slice(2, 4), raw_sha256)) : await restoredBlobs.get(raw_sha256);
    t.is(createHash('sha256').update(copy).digest('hex'), raw_sha256);
  }
  if (blobStore === 'database') t.is(m.blobs.files, 0);
  t.deepEqual(await migrate(restored), [], 'the restored database is at the latest migration');
});
}
