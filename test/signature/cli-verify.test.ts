import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { pki, NOW, d, makeCrl } from '../helpers/pki.js';
import { samplePdf } from '../helpers/pki-pdf.js';
import { sealPdf } from '../../src/signature/index.js';

const p = pki();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-verify-cli-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, b: Buffer | string) => { const f = path.join(dir, name); fs.writeFileSync(f, b); return f; };

const files = (async () => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const bad = Buffer.from(signed);
  bad[bad.indexOf('stream\n') + 12]! ^= 1;
  return {
    signed: file('signed.pdf', signed), bad: file('bad.pdf', bad), notPdf: file('letter.pdf', 'Kính gửi'),
    root: file('root.pem', p.root.pem), // The CLI validates at the real current time: CRLs current until 2035.
    rootCrl: file('root.crl', makeCrl(p.root, [], d('2026-05-01T00:00:00Z'), d('2035-01-01T00:00:00Z'))),
    subCrl: file('sub.crl', makeCrl(p.inter, [], d('2026-05-01T00:00:00Z'), d('2035-01-01T00:00:00Z'))), junk: file('junk.pem', 'nothing'),
  };
})();

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (fn: (s: string) => void) => new Writable({ write(c, _e, cb) { fn(String(c)); cb(); } });
  const code = await main(args, { stdout: sink(s => (out += s)), stderr: sink(s => (err += s)), env: {}, cwd: dir });
  return { code, out, err };
}

test('verify --json with --trust and --crl: valid, the fields of docs/signatures.md §The verify JSON', async t => {
  const f = await files;
  const r = await run(['verify', f.signed, '--trust', f.root, '--crl', f.rootCrl, '--crl', f.subCrl, '--json']);
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.is(j.file, f.signed);
  t.is(j.verdict, 'valid');
  t.deepEqual(j.reasons, []);
  const s = j.signatures[0];
  for (const k of ['signer', 'signingTime', 'coversWholeDocument', 'integrity', 'chain', 'verdict', 'reasons']) t.true(k in s, k);
  t.is(s.signer, 'UBND tỉnh Thử Nghiệm');
  t.is(s.coversWholeDocument, true);
  t.is(s.integrity, 'intact');
  t.is(s.chain, 'trusted');
  t.regex(j.summaryVi, /Hợp lệ/);
});

test('verify: an invalid verdict is data (exit 0)', async t => {
  const f = await files;
  const r = await run(['verify', f.bad, '--trust', f.root, '--json']);
  t.is(r.code, 0);
  t.is(JSON.parse(r.out).verdict, 'invalid');
  t.deepEqual(JSON.parse(r.out).reasons, ['HASH_FAILURE']);
});

test('verify: a non-PDF gives invalid FORMAT_FAILURE, human output with the Vietnamese summary', async t => {
  const f = await files;
  const r = await run(['verify', f.notPdf, '--trust', f.root]);
  t.is(r.code, 0);
  t.regex(r.out, /^file: .*letter\.pdf\nverdict: invalid\nreasons: FORMAT_FAILURE/);
  t.regex(r.out, /Kết quả kiểm tra chữ ký số: Không hợp lệ\./);
});

test('verify without --trust and without config: no anchors, indeterminate chain', async t => {
  const f = await files;
  const r = await run(['verify', f.signed, '--json']);
  t.is(r.code, 0, r.err);
  t.deepEqual(JSON.parse(r.out).reasons, ['NO_CERTIFICATE_CHAIN_FOUND']);
  t.is(JSON.parse(r.out).signatures[0].chain, 'untrusted');
});

test('verify: exit codes 1 (unreadable file) and 2 (bad usage)', async t => {
  const f = await files;
  t.is((await run(['verify', path.join(dir, 'missing.pdf')])).code, 1);
  t.is((await run(['verify'])).code, 2);
  t.is((await run(['verify', f.signed, f.signed])).code, 2);
  t.is((await run(['verify', f.signed, '--bogus'])).code, 2);
  t.is((await run(['verify', f.signed, '--allow', 'everything'])).code, 2);
  const missingTrust = await run(['verify', f.signed, '--trust', path.join(dir, 'nope.pem')]);
  t.is(missingTrust.code, 2);
  t.regex(missingTrust.err, /nope\.pem/);
  t.is((await run(['verify', f.signed, '--trust', f.junk])).code, 2);
});

test('verify without --trust uses the configured trust (anchors and CRLs relative to the config file)', async t => {
  const f = await files;
  const cfg = file('edoc.yaml', [
    'instance: { domain: vbdt.test }',
    'storage: { database: { client: sqlite3, filename: db.sqlite }, blobs: blobs }',
    'trust: { anchors: [root.pem], crls: [root.crl, sub.crl] }',
    'agencies:',
    '  - code: 000.00.31.H62',
    '    name: UBND tỉnh Thử Nghiệm',
    '    email: vanthu@vbdt.test',
    '    imap: { host: imap.test, port: 993, user: vanthu, passwordEnv: IMAP_PW }',
    '    smtp: { host: smtp.test, port: 587 }',
    '',
  ].join('\n'));
  let out = '';
  const sink = new Writable({ write(c, _e, cb) { out += String(c); cb(); } });
  let err = '';
  const errSink = new Writable({ write(c, _e, cb) { err += String(c); cb(); } });
  const code = await main(['--config', cfg, 'verify', f.signed, '--json'], { stdout: sink, stderr: errSink, env: { IMAP_PW: 'x' }, cwd: dir });
  t.is(code, 0, err);
  t.is(JSON.parse(out).verdict, 'valid');
  // A named but broken configuration is a configuration error (exit 2), not "no anchors".
  t.is((await main(['--config', path.join(dir, 'missing.yaml'), 'verify', f.signed], { stdout: sink, stderr: errSink, env: {}, cwd: dir })), 2);
});
