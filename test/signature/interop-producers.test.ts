/**
 * Signatures made by independent producers (OpenSSL CMS, @signpdf, our sealer) over the same
 * document: what a strict validator accepts is valid, every tampered file is invalid whatever its
 * algorithm, and pdfsig (poppler) agrees on the crypto line.
 */
import test from 'ava';
import crypto from 'node:crypto';
import { pki, NOW, d, issue, type TestCert } from '../helpers/pki.js';
import { samplePdf, flip, lastHole } from '../helpers/pki-pdf.js';
import { signWithOpenssl, signWithSignpdf, signRaw, opensslCms, opensslRawSign } from '../helpers/producers.js';
import { pdfText } from '../helpers/raw-pdf.js';
import { pdfsig } from '../helpers/render.js';
import { sealPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';
import { octetString } from '../../src/signature/der-write.js';

const p = pki();
const base = samplePdf();
const verify = (pdf: Buffer) => verifyPdf(pdf, p.trustAll, { now: NOW });
/** One changed byte inside the page content (signed by every producer here). */
const tamper = (pdf: Buffer) => flip(pdf, pdf.indexOf('stream\n') + 12, 0x20);

const PRODUCERS: Array<[string, (pdf: Buffer) => Promise<Buffer>, string]> = [
  ['OpenSSL cms -sign', pdf => signWithOpenssl(pdf, p.agency, [p.inter], { now: NOW }), 'adbe.pkcs7.detached'],
  ['OpenSSL cms -sign -cades', pdf => signWithOpenssl(pdf, p.agency, [p.inter], { now: NOW, cades: true }), 'ETSI.CAdES.detached'],
  ['@signpdf 3.3.0 placeholder + P12 signer', pdf => signWithSignpdf(pdf, p.ascii, [], NOW), 'adbe.pkcs7.detached'],
  ['our sealer', pdf => sealPdf(pdf, p.key(p.agency), undefined, { now: NOW }), 'ETSI.CAdES.detached'],
];

for (const [name, sign, subFilter] of PRODUCERS) {
  test(`${name}: intact is valid, and pdfsig says the signature is valid and covers the file`, async t => {
    const signed = await sign(await base);
    const v = await verify(signed);
    t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => [s.reasons, s.problems])));
    t.is(v.signatures[0]!.subFilter, subFilter);
    const oracle = pdfsig(signed);
    t.regex(oracle, /Signature Validation: Signature is Valid\./, oracle);
    t.regex(oracle, /Total document signed/);
  });

  test(`${name}: one changed signed byte is invalid HASH_FAILURE, and pdfsig sees the digest mismatch`, async t => {
    const bad = tamper(await sign(await base));
    const v = await verify(bad);
    t.is(v.verdict, 'invalid');
    t.deepEqual(v.reasons, ['HASH_FAILURE']);
    t.regex(pdfsig(bad), /Digest Mismatch/);
  });
}

test('@signpdf with a Vietnamese issuer name: node-forge re-encodes the UTF-8 issuer in the SignerInfo, so no signer certificate matches (pdfsig fails too)', async t => {
  const signed = await signWithSignpdf(await base, p.agency, [p.inter], NOW);
  const v = await verify(signed);
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['NO_SIGNING_CERTIFICATE_FOUND']);
  t.notRegex(pdfsig(signed), /Signature is Valid/);
});

const small = () => issue({ cn: 'Khoa ngan', issuer: p.inter, serial: 700n, key: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z') });
const weakCases: Array<[string, () => TestCert, string, string[]]> = [
  ['SHA-1 digest', () => p.agency, 'sha1', ['WEAK_HASH_ALGORITHM']],
  ['an RSA-1024 key', small, 'sha256', ['WEAK_KEY_SIZE']],
  ['SHA-1 and an RSA-1024 key', small, 'sha1', ['WEAK_HASH_ALGORITHM', 'WEAK_KEY_SIZE']],
];
for (const [what, cert, md, reasons] of weakCases) {
  test(`OpenSSL with ${what}: intact is indeterminate naming what is weak; tampered is invalid HASH_FAILURE`, async t => {
    const signed = await signWithOpenssl(await base, cert(), [p.inter], { now: NOW, md });
    const v = await verify(signed);
    t.is(v.verdict, 'indeterminate');
    t.deepEqual(v.reasons, reasons);
    t.is(v.signatures[0]!.integrity, 'intact');
    const vi = summarizeVi(v);
    if (reasons.includes('WEAK_HASH_ALGORITHM')) t.regex(vi, /hàm băm yếu \(SHA-1/);
    if (reasons.includes('WEAK_KEY_SIZE')) t.regex(vi, /khóa ký quá ngắn/);
    const bad = await verify(tamper(signed));
    t.is(bad.verdict, 'invalid');
    t.deepEqual(bad.reasons, ['HASH_FAILURE']);
  });
}

test('adbe.pkcs7.sha1 (encapsulated SHA-1 digest of the ranges, made by OpenSSL -nodetach): intact WEAK_HASH_ALGORITHM, tampered HASH_FAILURE', async t => {
  const signed = await signRaw(await base, { subFilter: 'adbe.pkcs7.sha1', now: NOW }, async content =>
    opensslCms(crypto.createHash('sha1').update(content).digest(), p.agency, [p.inter], { nodetach: true }));
  const v = await verify(signed);
  t.deepEqual([v.verdict, v.reasons], ['indeterminate', ['WEAK_HASH_ALGORITHM']]);
  t.deepEqual((await verify(tamper(signed))).reasons, ['HASH_FAILURE']);
});

test('adbe.x509.rsa_sha1 (a PKCS#1 signature by openssl dgst, the certificate in /Cert): intact WEAK_HASH_ALGORITHM, tampered SIG_CRYPTO_FAILURE', async t => {
  const signed = await signRaw(await base, { subFilter: 'adbe.x509.rsa_sha1', now: NOW, sigExtra: ` /Cert [<${p.agency.der.toString('hex')}> <${p.inter.der.toString('hex')}>]` }, async content => octetString(opensslRawSign(content, p.agency)));
  const v = await verify(signed);
  t.deepEqual([v.verdict, v.reasons], ['indeterminate', ['WEAK_HASH_ALGORITHM']], JSON.stringify(v.signatures[0]!.problems));
  t.deepEqual((await verify(tamper(signed))).reasons, ['SIG_CRYPTO_FAILURE']);
});

const containers: Array<[string, (content: Buffer) => Buffer, string, string]> = [
  ['two SignerInfos', c => opensslCms(c, p.agency, [p.inter], { cosigner: p.leader }), 'adbe.pkcs7.detached', 'CMS_SEVERAL_SIGNER_INFOS'],
  ['encapsulated SHA-256 digest of the ranges', c => opensslCms(crypto.createHash('sha256').update(c).digest(), p.agency, [p.inter], { nodetach: true }), 'adbe.pkcs7.detached', 'CMS_ENCAPSULATED_CONTENT'],
  ['the ranges encapsulated', c => opensslCms(c, p.agency, [p.inter], { nodetach: true }), 'adbe.pkcs7.detached', 'CMS_ENCAPSULATED_CONTENT'],
  ['SubFilter PBAD.PAdES', c => opensslCms(c, p.agency, [p.inter], { cades: true }), 'PBAD.PAdES', 'UNKNOWN_SUBFILTER'],
  ['no signed attributes', c => opensslCms(c, p.agency, [p.inter], { noattr: true }), 'adbe.pkcs7.detached', 'CLAIMED_TIME_ONLY'],
];
for (const [what, cms, subFilter, warning] of containers) {
  test(`unusual container from OpenSSL (${what}): valid, reported as ${warning}; tampered: invalid`, async t => {
    const signed = await signRaw(await base, { subFilter, now: NOW, reserve: 16000 }, async c => cms(c));
    const v = await verify(signed);
    t.is(v.verdict, 'valid', JSON.stringify(v.signatures[0]));
    t.true(v.warnings.includes(warning as never), v.warnings.join());
    const bad = await verify(tamper(signed));
    t.is(bad.verdict, 'invalid');
    t.true(bad.reasons[0] === 'HASH_FAILURE' || bad.reasons[0] === 'SIG_CRYPTO_FAILURE');
  });
}

test('bytes after the CMS inside /Contents of an OpenSSL signature: valid with CONTENTS_TRAILING_DATA; pdfsig agrees the signature is valid', async t => {
  const signed = await signWithOpenssl(await base, p.agency, [p.inter], { now: NOW });
  const h = lastHole(signed);
  const out = Buffer.from(signed);
  out.write('cafebabe', h.start + 1 + h.cmsLength * 2 + 16, 'latin1');
  const v = await verify(out);
  t.is(v.verdict, 'valid');
  t.true(v.warnings.includes('CONTENTS_TRAILING_DATA'));
  t.regex(pdfsig(out), /Signature is Valid/);
});

test('a /Contents that is not CMS cannot be checked at all: invalid FORMAT_FAILURE (pdfsig cannot verify it either)', async t => {
  const signed = await signRaw(await base, { subFilter: 'PBAD.PAdES', now: NOW, name: pdfText('Chữ ký') }, async () => Buffer.from('3003020101', 'hex'));
  const v = await verify(signed);
  t.deepEqual([v.verdict, v.reasons], ['invalid', ['FORMAT_FAILURE']]);
  t.notRegex(pdfsig(signed), /Signature is Valid/);
});
