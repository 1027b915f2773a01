import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import forge from 'node-forge';
import { pki, NOW, d, tsaAt, type TestCert } from '../helpers/pki.js';
import { samplePdf } from '../helpers/pki-pdf.js';
import { sealPdf, sealAttachments, loadAgencyKey, verifyPdf } from '../../src/signature/index.js';
import { readDer } from '../../src/signature/der.js';
import { BridgeError } from '../../src/errors.js';
import { stampFont } from '../../src/io/stamp-font.js';

const p = pki();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-seal-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Split a signed PDF into the CMS and the signed bytes (last signature). */
function extract(pdf: Buffer): { cms: Buffer; content: Buffer } {
  const m = [...pdf.toString('latin1').matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/g)].pop()!;
  const [a, b, c, len] = m.slice(1).map(Number) as [number, number, number, number];
  const hole = Buffer.from(pdf.toString('latin1', b + 1, c - 1), 'hex');
  return { cms: hole.subarray(0, readDer(hole).end), content: Buffer.concat([pdf.subarray(a, b), pdf.subarray(c, c + len)]) };
}

function pdfsig(file: string): string {
  const r = spawnSync('pdfsig', ['-nocert', file], { encoding: 'utf8' });
  if (r.error) throw new Error('pdfsig missing: apt-get install -y poppler-utils');
  return r.stdout + r.stderr;
}

function opensslVerify(name: string, pdf: Buffer): { ok: boolean; out: string } {
  const { cms, content } = extract(pdf);
  const f = (n: string, b: Buffer | string) => { const q = path.join(dir, `${name}.${n}`); fs.writeFileSync(q, b); return q; };
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', f('p7s', cms), '-content', f('bin', content),
    '-CAfile', f('root.pem', p.root.pem), '-certfile', f('inter.pem', p.inter.pem), '-purpose', 'any', '-out', path.join(dir, `${name}.out`)];
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0 && /Verification successful/.test(r.stderr + r.stdout), out: r.stderr + r.stdout };
}

const variants: Array<[string, TestCert, Partial<Parameters<typeof sealPdf>[3]>]> = [
  ['rsa', p.agency, {}],
  ['pss', p.pss, { pss: true }],
  ['ecdsa', p.ec, {}],
  ['rsa-timestamped', p.agency, { tsa: tsaAt(p, d('2026-05-31T00:00:00Z')) }],
];

for (const [name, cert, opts] of variants) {
  test(`sealed (${name}): our verifier, pdfsig and openssl cms -verify all accept it`, async t => {
    const sealed = await sealPdf(await samplePdf(), p.key(cert), { numberNotation: '7/CV-UBND', date: NOW, place: 'Hà Nội' }, { now: NOW, font: stampFont(), ...opts });
    t.is((await verifyPdf(sealed, p.trust, { now: NOW })).verdict, 'valid');
    const file = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(file, sealed);
    const out = pdfsig(file);
    t.regex(out, /Signature Validation: Signature is Valid\./, out);
    t.regex(out, /Total document signed/, out);
    t.regex(out, /Signature Type: ETSI\.CAdES\.detached/);
    const os_ = opensslVerify(name, sealed);
    t.true(os_.ok, os_.out);
    // The oracle can fail: one changed signed byte is refused by openssl and flagged by pdfsig.
    const bad = Buffer.from(sealed);
    bad[bad.indexOf('stream\n') + 12]! ^= 1;
    t.false(opensslVerify(`${name}-bad`, bad).ok);
    fs.writeFileSync(file + '.bad.pdf', bad);
    t.regex(pdfsig(file + '.bad.pdf'), /Digest Mismatch/);
  });
}

test('two incremental seals: pdfsig sees two valid signatures, the first not covering the file', async t => {
  const once = await sealPdf(await samplePdf(), p.key(p.leader), undefined, { now: NOW });
  const twice = await sealPdf(once, p.key(p.agency), { numberNotation: '8/QĐ-UBND', date: NOW }, { now: NOW, font: stampFont() });
  const file = path.join(dir, 'twice.pdf');
  fs.writeFileSync(file, twice);
  const out = pdfsig(file);
  t.is(out.match(/Signature is Valid/g)?.length, 2, out);
  t.regex(out, /Not total document signed/);
  t.is((await verifyPdf(twice, p.trust, { now: NOW })).verdict, 'valid');
});

test('separate attachments are sealed too, with the attachment line', async t => {
  const sealed = await sealAttachments([await samplePdf('Phu luc 1'), await samplePdf('Phu luc 2')], p.key(p.agency), '12/QĐ-UBND', { now: NOW, font: stampFont() });
  t.is(sealed.length, 2);
  for (const s of sealed) t.is((await verifyPdf(s, p.trust, { now: NOW })).verdict, 'valid');
});

function p12(cert: TestCert, chain: TestCert[], password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(cert.key.export({ format: 'pem', type: 'pkcs8' }) as string);
  const certs = [cert, ...chain].map(c => forge.pki.certificateFromPem(c.pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

test('loadAgencyKey reads a PKCS#12 (key, certificate, chain) and the seal verifies', async t => {
  const key = await loadAgencyKey(p12(p.agency, [p.inter, p.root], 'mật-khẩu'), 'mật-khẩu');
  t.deepEqual(key.certificate, p.agency.der);
  t.deepEqual(key.chain, [p.inter.der]);
  t.regex(key.subject, /CN=UBND tỉnh Thử Nghiệm/);
  const sealed = await sealPdf(await samplePdf(), key, undefined, { now: NOW });
  t.is((await verifyPdf(sealed, p.trust, { now: NOW })).verdict, 'valid');
});

test('loadAgencyKey: wrong password gives KEY_UNAVAILABLE', async t => {
  const err = await t.throwsAsync(loadAgencyKey(p12(p.agency, [p.inter], 'a'), 'b'));
  t.true(err instanceof BridgeError && err.code === 'KEY_UNAVAILABLE');
});

test('sealPdf refuses a non-PDF with PDF_UNREADABLE', async t => {
  const err = await t.throwsAsync(sealPdf(Buffer.from('not a pdf'), p.key(p.agency), undefined, { now: NOW }));
  t.true(err instanceof BridgeError && err.code === 'PDF_UNREADABLE');
});
