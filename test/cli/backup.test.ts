import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory from 'knex';
import { stringify } from 'yaml';
import { openDb, type Db } from '../../src/db/connect.js';
import { BlobStore } from '../../src/store/blob-store.js';
import { cli } from '../helpers/capture.js';
import { agencies, receivedMail } from '../helpers/factories.js';

const AGENCY = '000.00.31.H62';

async function setup(database: Record<string, unknown> | null = null) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-backup-'));
  const config = {
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: database ?? { filename: path.join(dir, 'data', 'edoc.sqlite') }, blobs: 'data/blobs' },
    agencies: [
      {
        code: AGENCY,
        name: 'Sở Y tế tỉnh Vĩnh Long',
        email: 'vanthu@soyte.vinhlong.test',
        imap: { host: '127.0.0.1', port: 993, user: 'vanthu@soyte.vinhlong.test', passwordEnv: 'SOYTE_PASS' },
        smtp: { host: '127.0.0.1', port: 587, user: 'vanthu@soyte.vinhlong.test', passwordEnv: 'SOYTE_PASS' },
      },
    ],
  };
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  return { dir, env: { SOYTE_PASS: 'x', EDOC_BRIDGE_CONFIG: file }, dbFile: path.join(dir, 'data', 'edoc.sqlite'), blobs: new BlobStore(path.join(dir, 'data', 'blobs')) };
}

/** What intake does for each mail: the raw bytes into the blob store first, then the row naming them. */
async function receive(db: Db, blobs: BlobStore, i: number): Promise<string> {
  const { sha256, size } = await blobs.put(Buffer.from(`Message-ID: <m${i}@ubnd.vinhlong.test>\r\nSubject: Văn bản ${i}\r\n\r\nNội dung ${i}\r\n`));
  await receivedMail(db, { agencyCode: AGENCY, messageId: `<m${i}@ubnd.vinhlong.test>`, rawSha256: sha256, rawSize: size, state: 'stored', at: new Date() });
  return sha256;
}

function readOnly(file: string): Db {
  return knexFactory({ client: 'sqlite3', connection: { filename: `${pathToFileURL(file).href}?mode=ro`, flags: ['OPEN_URI'] }, useNullAsDefault: true });
}

test('db backup while another connection writes: a consistent snapshot, every blob it names, a manifest', async t => {
  const s = await setup();
  t.is((await cli(['db', 'migrate'], s.env)).code, 0);
  t.is((await cli(['agencies', 'list'], s.env)).code, 0, 'hosted agency written');
  const writer = openDb({ client: 'sqlite3', filename: s.dbFile });
  t.teardown(() => writer.destroy());
  for (let i = 0; i < 50; i++) await receive(writer, s.blobs, i);

  // A second "process" keeps receiving mail during the whole backup.
  let stop = false;
  let written = 50;
  let writeError: unknown = null;
  const writing = (async () => {
    try {
      while (!stop) await receive(writer, s.blobs, written++);
    } catch (err) {
      writeError = err;
    }
  })();
  const to = path.join(s.dir, 'out');
  const r = await cli(['db', 'backup', '--to', to, '--json'], s.env);
  const writtenDuringBackup = written - 50;
  stop = true;
  await writing;
  t.is(writeError, null, 'the writer was never blocked into failure');
  t.is(r.code, 0, r.stderr);
  t.true(writtenDuringBackup > 0, 'writes went on during the backup');
  t.log(`${writtenDuringBackup} mails received during the backup`);

  const m = JSON.parse(r.stdout);
  t.regex(m.database.file, /^edoc-\d{8}T\d{6}Z\.sqlite$/);
  const backupFile = path.join(to, m.database.file);
  t.is(createHash('sha256').update(await readFile(backupFile)).digest('hex'), m.database.sha256);
  t.is((await stat(backupFile)).size, m.database.bytes);
  t.is((await stat(backupFile)).mode & 0o777, 0o600, 'the copy of every mail is private');
  t.is(m.database.quickCheck, 'ok');
  const { dir: printedDir, ...fromCli } = m;
  t.is(printedDir, to);
  t.deepEqual(JSON.parse(await readFile(path.join(to, 'manifest.json'), 'utf8')), fromCli);
  t.deepEqual(JSON.parse(await readFile(path.join(to, m.database.file.replace(/\.sqlite$/, '.manifest.json')), 'utf8')), fromCli);
  t.false((await readdir(to)).some(f => f.endsWith('.partial')), 'no partial file left');

  const snap = readOnly(backupFile);
  t.teardown(() => snap.destroy());
  const rows: Array<{ raw_sha256: string }> = await snap('received_mails').select('raw_sha256');
  t.true(rows.length >= 50 && rows.length <= written, `snapshot has ${rows.length} of ${written} rows`);
  t.is(m.database.tables.received_mails, rows.length);
  t.is((await snap('agencies').where({ code: AGENCY }).first())?.kind, 'hosted');
  t.true((await snap('knex_migrations').count({ n: '*' }))[0]!.n as number >= 2, 'migrations recorded');
  // Every blob the snapshot names is in the backup, byte for byte.
  for (const { raw_sha256 } of rows) {
    const copy = await readFile(path.join(to, 'blobs', raw_sha256.slice(0, 2), raw_sha256.slice(2, 4), raw_sha256));
    t.is(createHash('sha256').update(copy).digest('hex'), raw_sha256);
  }
  t.deepEqual(m.referenced, { checked: rows.length, missing: [] });
  t.true(m.blobs.files >= rows.length);
  t.is(m.blobs.linked + m.blobs.copied + m.blobs.alreadyPresent, m.blobs.files);
  t.is(m.blobs.linked, m.blobs.files, 'same filesystem: hard links');

  // A second backup adds only what is new; the first snapshot stays.
  for (let i = 0; i < 3; i++) await receive(writer, s.blobs, written++);
  const again = await cli(['db', 'backup', '--to', to, '--json'], s.env);
  t.is(again.code, 0, again.stderr);
  const m2 = JSON.parse(again.stdout);
  t.not(m2.database.file, m.database.file);
  t.true(existsSync(backupFile));
  t.is(m2.blobs.alreadyPresent, m.blobs.files);
  t.is(m2.blobs.linked, m2.blobs.files - m.blobs.files);
  t.is(m2.database.tables.received_mails, written);
  t.is(JSON.parse(await readFile(path.join(to, 'manifest.json'), 'utf8')).database.file, m2.database.file, 'manifest.json is the latest');
  await rm(s.dir, { recursive: true, force: true });
});

test('db backup copies blobs to another filesystem, and defaults to <storage dir>/backups', async t => {
  const s = await setup();
  t.is((await cli(['db', 'migrate'], s.env)).code, 0);
  const db = openDb({ client: 'sqlite3', filename: s.dbFile });
  t.teardown(() => db.destroy());
  await agencies(db, [AGENCY]);
  const sha = await receive(db, s.blobs, 1);

  const plain = await cli(['db', 'backup'], s.env);
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stdout, /database: .*data\/backups\/edoc-\d{8}T\d{6}Z\.sqlite/);
  t.true(existsSync(path.join(s.dir, 'data', 'backups', 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha)));

  const other = existsSync('/dev/shm') && (await stat('/dev/shm')).dev !== (await stat(s.dir)).dev ? await mkdtemp('/dev/shm/edoc-backup-') : null;
  if (!other) {
    t.log('no second filesystem here: the copy path is not exercised');
    return;
  }
  t.teardown(() => rm(other, { recursive: true, force: true }));
  const r = await cli(['db', 'backup', '--to', other, '--json'], s.env);
  t.is(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  t.like(m.blobs, { files: 1, copied: 1, linked: 0 });
  t.is(createHash('sha256').update(await readFile(path.join(other, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha))).digest('hex'), sha);
});

test('db backup names blobs the database references but the store lacks (exit 1)', async t => {
  const s = await setup();
  t.is((await cli(['agencies', 'list'], s.env)).code, 0);
  const db = openDb({ client: 'sqlite3', filename: s.dbFile });
  t.teardown(() => db.destroy());
  const lost = 'ab'.repeat(32);
  await receivedMail(db, { agencyCode: AGENCY, messageId: '<lost@x>', rawSha256: lost, state: 'stored' });
  const r = await cli(['db', 'backup', '--json'], s.env);
  t.is(r.code, 1);
  t.deepEqual(JSON.parse(r.stdout).referenced, { checked: 1, missing: [lost] });
  t.regex(r.stderr, /1 blob\(s\) named by the database are missing/);
});

test('db backup with a bad option is bad usage (exit 2), before any connection', async t => {
  const s = await setup({ client: 'pg', connection: 'postgres://edoc@127.0.0.1:1/edoc' });
  t.is((await cli(['db', 'backup', '--bogus'], s.env)).code, 2);
});

test('db backup before the database exists: exit 1, nothing created', async t => {
  const s = await setup();
  const r = await cli(['db', 'backup'], s.env);
  t.is(r.code, 1);
  t.regex(r.stderr, /NOT_FOUND: no database file at .*edoc\.sqlite/);
  t.false(existsSync(s.dbFile));
});
