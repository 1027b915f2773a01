import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseDirectoryCsv } from '../../src/directory/import-csv.js';
import { cli } from '../helpers/capture.js';

const HOSTED = { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test' };

/** A throw-away installation: config + env, and a helper to write a CSV next to it. */
async function setup(extra: Record<string, unknown> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-agencies-'));
  const config = {
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: { filename: path.join(dir, 'db.sqlite') }, blobs: 'blobs' },
    agencies: [
      {
        ...HOSTED,
        imap: { host: '127.0.0.1', port: 993, user: HOSTED.email, passwordEnv: 'SOYTE_PASS' },
        smtp: { host: '127.0.0.1', port: 587, user: HOSTED.email, passwordEnv: 'SOYTE_PASS' },
      },
    ],
    ...extra,
  };
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  const env = { SOYTE_PASS: 'x', EDOC_BRIDGE_CONFIG: file };
  const csv = async (name: string, text: string | Buffer) => {
    const p = path.join(dir, name);
    await writeFile(p, text);
    return p;
  };
  const list = async () => JSON.parse((await cli(['agencies', 'list', '--json'], env)).stdout) as Array<{ code: string; name: string; kind: string; emails: string[] }>;
  return { dir, file, env, csv, list };
}

const GOOD = [
  'code,name,emails,kind',
  '000.00.00.H62,Ủy ban nhân dân tỉnh Vĩnh Long,vanthu@ubnd.vinhlong.test,edoc-bridge',
  '"000.00.32.H62","Sở Tài chính tỉnh Vĩnh Long","vanthu@stc.vinhlong.test; ketoan@stc.vinhlong.test",edxml',
  '',
  'H55.242,"UBND huyện Phú Lương, Thái Nguyên",VanThu@PhuLuong.TN.test   phong.vp@phuluong.tn.test,',
].join('\r\n');

test('agencies import: BOM, NFD text, ; or space separated addresses, default kind; list --json and --csv', async t => {
  const s = await setup();
  // A spreadsheet's "CSV UTF-8" (BOM) with decomposed diacritics (as some macOS tools write).
  const file = await s.csv('dir.csv', Buffer.from('\ufeff' + GOOD.normalize('NFD'), 'utf8'));
  const r = await cli(['agencies', 'import', file, '--json'], s.env);
  t.is(r.code, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { agencies: 3, created: 3, updated: 0, addresses: 5 });

  const rows = await s.list();
  t.deepEqual(
    rows.map(a => a.code),
    ['000.00.00.H62', '000.00.31.H62', '000.00.32.H62', 'H55.242'],
  );
  const ubnd = rows.find(a => a.code === '000.00.00.H62')!;
  t.is(ubnd.name, 'Ủy ban nhân dân tỉnh Vĩnh Long', 'NFC');
  t.true(ubnd.name === ubnd.name.normalize('NFC'));
  t.is(ubnd.kind, 'edoc-bridge');
  t.deepEqual(rows.find(a => a.code === '000.00.32.H62')!.emails.slice().sort(), ['ketoan@stc.vinhlong.test', 'vanthu@stc.vinhlong.test']);
  const pl = rows.find(a => a.code === 'H55.242')!;
  t.is(pl.kind, 'mailbox', 'empty kind means mailbox');
  t.is(pl.name, 'UBND huyện Phú Lương, Thái Nguyên');
  t.deepEqual(pl.emails.slice().sort(), ['phong.vp@phuluong.tn.test', 'vanthu@phuluong.tn.test']);
  t.is(rows.find(a => a.code === HOSTED.code)!.kind, 'hosted');

  // list --csv is the import format: importing it back changes nothing.
  const listed = await cli(['agencies', 'list', '--csv'], s.env);
  t.regex(listed.stdout, /^\ufeffcode,name,emails,kind\r?\n/);
  const again = await cli(['agencies', 'import', await s.csv('listed.csv', listed.stdout), '--json'], s.env);
  t.is(again.code, 0, again.stderr);
  t.like(JSON.parse(again.stdout), { agencies: 4, created: 0, updated: 4 });
  t.deepEqual(await s.list(), rows);

  const text = await cli(['agencies', 'list'], s.env);
  t.regex(text.stdout, /^H55\.242\tmailbox\tUBND huyện Phú Lương, Thái Nguyên\t/m);
});

test('agencies import updates a name and keeps a hosted agency hosted', async t => {
  const s = await setup();
  const file = await s.csv('dir.csv', `code,name,emails\n000.00.00.H62,UBND tỉnh,vanthu@ubnd.vinhlong.test\n${HOSTED.code},Tên khác,${HOSTED.email}\n`);
  const r = await cli(['agencies', 'import', file], s.env);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /imported 2 agencies \(1 new, 1 updated, 2 addresses\)/);
  const renamed = await cli(['agencies', 'import', await s.csv('b.csv', 'code,name,emails\n000.00.00.H62,Ủy ban nhân dân tỉnh Vĩnh Long,vanthu@ubnd.vinhlong.test\n')], s.env);
  t.is(renamed.code, 0);
  const rows = await s.list();
  t.is(rows.find(a => a.code === '000.00.00.H62')!.name, 'Ủy ban nhân dân tỉnh Vĩnh Long');
  t.like(rows.find(a => a.code === HOSTED.code), { kind: 'hosted', name: HOSTED.name }, 'the config stays the authority for hosted agencies');
});

/** Bad files: [what, csv text, line, field]. Each must refuse the whole file. */
const BAD: Array<[string, string, number, string]> = [
  ['no header', '000.00.00.H62,UBND,a@b.vn,mailbox\n', 1, 'header'],
  ['a missing column', 'code,name\n000.00.00.H62,UBND\n', 1, 'header'],
  ['an unknown column', 'code,name,emails,kind,fax\n', 1, 'header'],
  ['a lower-case code', 'code,name,emails\n000.00.00.H62,A,a@a.vn\n000.00.00.h62,B,b@b.vn\n', 3, 'code'],
  ['a code with a dash', 'code,name,emails\n000.00.00.H62,A,a@a.vn\n31-H62,B,b@b.vn\n', 3, 'code'],
  ['a code longer than 35', `code,name,emails\n${'A'.repeat(36)},B,b@b.vn\n`, 2, 'code'],
  ['a duplicate code', 'code,name,emails\n000.00.00.H62,A,a@a.vn\n\n000.00.00.H62,B,b@b.vn\n', 4, 'code'],
  ['an empty name', 'code,name,emails\n000.00.00.H62,,a@a.vn\n', 2, 'name'],
  ['a bad address', 'code,name,emails\n000.00.00.H62,A,a@a.vn\nH55.242,B,"b@b.vn; not-an-address"\n', 3, 'emails'],
  ['no address', 'code,name,emails\nH55.242,B,;\n', 2, 'emails'],
  ['an address given twice', 'code,name,emails\n000.00.00.H62,A,a@a.vn\nH55.242,B,A@A.vn\n', 3, 'emails'],
  ['a bad kind', 'code,name,emails,kind\n000.00.00.H62,A,a@a.vn,edxml\nH55.242,B,b@b.vn,fax\n', 3, 'kind'],
  ['a short row', 'code,name,emails,kind\n000.00.00.H62,A,a@a.vn,edxml\n"H55.242","B\nsecond line"\n', 3, 'row'],
  ['hosted for a correspondent', 'code,name,emails,kind\nH55.242,B,b@b.vn,hosted\n', 2, 'kind'],
  ['the hosted mailbox for another agency', `code,name,emails\n000.00.00.H62,A,a@a.vn\nH55.242,B,${HOSTED.email}\n`, 3, 'emails'],
];

for (const [what, text, line, field] of BAD) {
  test(`agencies import refuses ${what}: exit 1, line ${line}, field ${field}, nothing imported`, async t => {
    const s = await setup();
    const before = await s.list();
    const file = await s.csv('bad.csv', text);
    const r = await cli(['agencies', 'import', file], s.env);
    t.is(r.code, 1, r.stdout);
    t.is(r.stderr.trim().split('\n').length, 1, 'one line');
    t.true(r.stderr.includes(`line ${line}: ${field}:`), r.stderr);
    t.deepEqual(await s.list(), before, 'all or nothing');
  });
}

test('agencies import: a file that is not UTF-8, a missing file, bad usage', async t => {
  const s = await setup();
  // "Sở" in Windows-1258 (0xD5 is not valid UTF-8 here).
  const latin = await s.csv('cp1258.csv', Buffer.from([...Buffer.from('code,name,emails\nH55.242,S'), 0xd5, 0x20, ...Buffer.from('Y,a@a.vn\n')]));
  const r = await cli(['agencies', 'import', latin], s.env);
  t.is(r.code, 1);
  t.regex(r.stderr, /not UTF-8/);
  const missing = await cli(['agencies', 'import', path.join(s.dir, 'nope.csv')], s.env);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /cannot read .*nope\.csv \(ENOENT\)/);
  t.is((await cli(['agencies', 'import'], s.env)).code, 2);
  t.is((await cli(['agencies', 'list', '--json', '--csv'], s.env)).code, 2);
});

test('config directoryCsv is loaded at start; a bad one is a configuration error naming the key', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-agencies-'));
  await writeFile(path.join(dir, 'directory.csv'), GOOD);
  const s = await setup({ directoryCsv: path.join(dir, 'directory.csv') });
  t.true((await s.list()).some(a => a.code === 'H55.242'));

  const bad = await setup({ directoryCsv: await (async () => {
    const p = path.join(dir, 'bad.csv');
    await writeFile(p, 'code,name,emails\nH55.242,B,nobody\n');
    return p;
  })() });
  const r = await cli(['agencies', 'list'], bad.env);
  t.is(r.code, 2);
  t.regex(r.stderr, /CONFIG_INVALID: directoryCsv: .*bad\.csv line 2: emails:/);
});

test('parseDirectoryCsv reports the first line of a multi-line record', t => {
  const r = parseDirectoryCsv('code,name,emails\n\n\n"H55.242","Tên\ndài",x\n');
  t.false(r.ok);
  if (!r.ok) t.deepEqual(r.problem, { line: 4, field: 'emails', message: "'x' is not an e-mail address" });
});
