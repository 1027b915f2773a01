import test from 'ava';
import crypto from 'node:crypto';
import { pki, NOW, d, tsaAt, issue } from '../helpers/pki.js';
import { samplePdf, signLegacy } from '../helpers/pki-pdf.js';
import { sealPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';
import { stampFont } from '../../src/io/stamp-font.js';

const p = pki();
const base = samplePdf();

const cases = [
  { title: 'RSA PKCS#1 v1.5', cert: () => p.agency, opts: {}, alg: 'rsa' },
  { title: 'RSA-PSS', cert: () => p.pss, opts: { pss: true }, alg: 'rsa-pss' },
  { title: 'ECDSA P-256', cert: () => p.ec, opts: {}, alg: 'ecdsa' },
  { title: 'SHA-384', cert: () => p.agency, opts: { hash: 'sha384' }, alg: 'rsa' },
];

for (const c of cases) {
  test(`valid: ${c.title} without timestamp`, async t => {
    const signed = await sealPdf(await base, p.key(c.cert()), undefined, { now: NOW, ...c.opts });
    const v = await verifyPdf(signed, p.trust, { now: NOW });
    t.is(v.verdict, 'valid', JSON.stringify(v.reasons));
    const s = v.signatures[0]!;
    t.is(s.verdict, 'valid');
    t.is(s.signatureAlgorithm, c.alg);
    t.is(s.integrity, 'intact');
    t.is(s.chain, 'trusted');
    t.true(s.coversWholeDocument);
    t.is(s.signingTimeSource, 'signed-attribute');
    t.is(s.signingTime, NOW.toISOString());
    t.true(v.warnings.includes('CLAIMED_TIME_ONLY'));
  });

  test(`valid: ${c.title} with an RFC 3161 timestamp`, async t => {
    const at = d('2026-05-31T01:02:03Z');
    const signed = await sealPdf(await base, p.key(c.cert()), undefined, { now: NOW, tsa: tsaAt(p, at), ...c.opts });
    const v = await verifyPdf(signed, p.trust, { now: NOW });
    t.is(v.verdict, 'valid', JSON.stringify(v));
    const s = v.signatures[0]!;
    t.is(s.signingTimeSource, 'timestamp');
    t.is(s.signingTime, at.toISOString());
    t.deepEqual(s.timestamp, { genTime: at.toISOString(), tsa: 'Test TSA', valid: true, status: 'valid' });
  });
}

test('valid: two signatures (leader then agency), both intact, only the last covers the file', async t => {
  const once = await sealPdf(await base, p.key(p.leader), undefined, { now: d('2026-05-30T02:00:00Z') });
  const twice = await sealPdf(once, p.key(p.agency), undefined, { now: NOW });
  const v = await verifyPdf(twice, p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => [s.reasons, s.problems])));
  t.is(v.signatures.length, 2);
  t.deepEqual(v.signatures.map(s => s.signer), ['Nguyễn Văn Lãnh Đạo', 'UBND tỉnh Thử Nghiệm']);
  t.deepEqual(v.signatures.map(s => s.coversWholeDocument), [false, true]);
  t.is(v.signatures[0]!.coverage, 'entire-revision');
  t.is(v.signatures[0]!.modification, 'none');
  t.true(v.lastRevisionSigned);
  t.is(v.revisions, 3);
});

test('valid: a timestamp proves signing while an expired certificate was still valid', async t => {
  const signed = await sealPdf(await base, p.key(p.expired), undefined, { now: d('2025-06-01T00:00:00Z'), tsa: tsaAt(p, d('2025-06-01T00:00:05Z')) });
  const v = await verifyPdf(signed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.reasons));
});

test('valid with a warning: unsorted signed attributes are verified over the original bytes', async t => {
  const signed = await sealPdf(await base, p.key(p.agency), undefined, { now: NOW, unsortedAttributes: true });
  const v = await verifyPdf(signed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid');
  t.true(v.signatures[0]!.warnings.includes('SIGNED_ATTRS_NOT_DER'));
});

test('valid: stamp with Vietnamese number and date, summary in Vietnamese (NFC)', async t => {
  const signed = await sealPdf(await base, p.key(p.agency), { numberNotation: '12/QĐ-UBND', date: NOW, place: 'Hà Nội' }, { now: NOW, reason: 'Ban hành văn bản', font: stampFont() });
  t.true(signed.includes('/Subtype /Stamp'));
  const v = await verifyPdf(signed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid');
  t.is(v.signatures[0]!.reason, 'Ban hành văn bản');
  const vi = summarizeVi(v);
  t.is(vi, vi.normalize('NFC'));
  t.regex(vi, /^Kết quả kiểm tra chữ ký số: Hợp lệ\./);
  t.regex(vi, /Thời điểm ký: 01\/06\/2026 10:00/);
});

test('unsigned: a PDF without signatures', async t => {
  const v = await verifyPdf(await base, p.trust, { now: NOW });
  t.is(v.verdict, 'unsigned');
  t.deepEqual(v.reasons, ['NO_SIGNATURE_FOUND']);
  t.regex(summarizeVi(v), /Không có chữ ký số/);
});

test('indeterminate: no revocation information (TRY_LATER), valid when revocation checking is soft', async t => {
  const signed = await sealPdf(await base, p.key(p.agency), undefined, { now: NOW });
  const strict = await verifyPdf(signed, { anchors: [p.root.der] }, { now: NOW });
  t.is(strict.verdict, 'indeterminate');
  t.deepEqual(strict.reasons, ['TRY_LATER']);
  const soft = await verifyPdf(signed, { anchors: [p.root.der], revocation: 'soft' }, { now: NOW });
  t.is(soft.verdict, 'valid');
});

test('PEM anchors and CRLs are accepted as well as DER', async t => {
  const signed = await sealPdf(await base, p.key(p.agency), undefined, { now: NOW });
  const pemCrl = (b: Buffer) => Buffer.from(`-----BEGIN X509 CRL-----\n${b.toString('base64')}\n-----END X509 CRL-----\n`);
  const v = await verifyPdf(signed, { anchors: [Buffer.from(p.root.pem)], crls: [pemCrl(p.rootCrl), pemCrl(p.subCrl)] }, { now: NOW });
  t.is(v.verdict, 'valid');
});

test('valid: adbe.pkcs7.detached with and without signed attributes (RFC 5652 §5.4)', async t => {
  for (const noSignedAttrs of [false, true]) {
    const signed = await signLegacy(await base, p.agency, [p.inter.der], { now: NOW, noSignedAttrs });
    const v = await verifyPdf(signed, p.trust, { now: NOW });
    t.is(v.verdict, 'valid', JSON.stringify(v.signatures[0]));
    t.is(v.signatures[0]!.subFilter, 'adbe.pkcs7.detached');
    const bad = Buffer.from(signed);
    bad[bad.indexOf('stream\n') + 12]! ^= 1;
    t.deepEqual((await verifyPdf(bad, p.trust, { now: NOW })).reasons, [noSignedAttrs ? 'SIG_CRYPTO_FAILURE' : 'HASH_FAILURE']);
  }
});

test('refused: an intact signature with an RSA key below 1900 bits is indeterminate WEAK_KEY_SIZE', async t => {
  const small = issue({ cn: 'Khóa ngắn', issuer: p.inter, serial: 400n, key: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z') });
  const v = await verifyPdf(await signLegacy(await base, small, [p.inter.der], { now: NOW }), p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['WEAK_KEY_SIZE']);
  t.is(v.signatures[0]!.integrity, 'intact');
});
