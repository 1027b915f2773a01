import test from 'ava';
import { pki, NOW, d, tsaAt, issue, makeCrl } from '../helpers/pki.js';
import { ocspAnswer } from '../helpers/pki-ocsp.js';
import { samplePdf, signLegacy, appendRawUpdate } from '../helpers/pki-pdf.js';
import { attribute } from '../../src/signature/seal/cms-build.js';
import { seq, ctx } from '../../src/signature/der-write.js';
import { PdfFile } from '../../src/signature/pdf-file.js';
import type { PdfDict, PdfRef } from '../../src/signature/pdf-lexer.js';
import { sealPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';

const p = pki();
const base = samplePdf();
const seal = async (cert = p.agency, opts: Partial<Parameters<typeof sealPdf>[3]> = {}) => sealPdf(await base, p.key(cert), undefined, { now: NOW, ...opts });

test('indeterminate OUT_OF_BOUNDS_NO_POE: certificate expired, no timestamp', async t => {
  const v = await verifyPdf(await seal(p.expired, { now: d('2025-06-01T00:00:00Z') }), p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['OUT_OF_BOUNDS_NO_POE']);
  t.is(v.signatures[0]!.integrity, 'intact');
});

test('invalid EXPIRED: a timestamp proves signing after the certificate expired', async t => {
  const v = await verifyPdf(await seal(p.expired, { tsa: tsaAt(p, d('2026-02-01T00:00:00Z')) }), p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['EXPIRED']);
});

test('indeterminate REVOKED_NO_POE: revoked certificate, no timestamp', async t => {
  const v = await verifyPdf(await seal(p.revoked, { now: d('2026-02-01T00:00:00Z') }), p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['REVOKED_NO_POE']);
  t.is(v.signatures[0]!.revocation, 'revoked');
  t.is(v.signatures[0]!.revokedAt, p.revokedAt.toISOString());
});

test('invalid REVOKED: timestamp after the revocation', async t => {
  const v = await verifyPdf(await seal(p.revoked, { tsa: tsaAt(p, d('2026-04-01T00:00:00Z')) }), p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['REVOKED']);
});

test('valid: timestamp before the revocation proves the signature came first', async t => {
  const v = await verifyPdf(await seal(p.revoked, { now: d('2026-02-01T00:00:00Z'), tsa: tsaAt(p, d('2026-02-01T00:00:10Z')) }), p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.reasons));
  t.is(v.signatures[0]!.signingTimeSource, 'timestamp');
});

test('indeterminate NO_CERTIFICATE_CHAIN_FOUND: rogue root (same subject as the agency)', async t => {
  const v = await verifyPdf(await sealPdf(await base, { ...p.key(p.rogue), chain: [] }, undefined, { now: NOW }), p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['NO_CERTIFICATE_CHAIN_FOUND']);
  t.is(v.signatures[0]!.chain, 'untrusted');
  t.is(v.signatures[0]!.integrity, 'intact');
  t.regex(summarizeVi(v), /không chuỗi được/);
});

test('indeterminate NO_CERTIFICATE_CHAIN_FOUND: no trust anchors configured', async t => {
  const v = await verifyPdf(await seal(), { anchors: [] }, { now: NOW });
  t.deepEqual(v.reasons, ['NO_CERTIFICATE_CHAIN_FOUND']);
});

test('indeterminate CHAIN_CONSTRAINTS_FAILURE: encryption-only key usage', async t => {
  const v = await verifyPdf(await seal(p.encOnly), p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['CHAIN_CONSTRAINTS_FAILURE']);
});

test('indeterminate CERTIFICATE_CHAIN_GENERAL_FAILURE: issuer without cA', async t => {
  const notCa = issue({ cn: 'Not a CA', issuer: p.root, serial: 300n, keyUsage: [0, 5, 6] });
  const leaf = issue({ cn: 'Under a non-CA', issuer: notCa, serial: 301n, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z') });
  const signed = await sealPdf(await base, { ...p.key(leaf), chain: [notCa.der] }, undefined, { now: NOW });
  const v = await verifyPdf(signed, { ...p.trust, crls: [...p.trust.crls, makeCrl(notCa, [])] }, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['CERTIFICATE_CHAIN_GENERAL_FAILURE']);
});

test('intermediates from the configuration complete a chain the signer did not embed', async t => {
  const signed = await sealPdf(await base, { ...p.key(p.agency), chain: [] }, undefined, { now: NOW });
  t.deepEqual((await verifyPdf(signed, p.trust, { now: NOW })).reasons, ['NO_CERTIFICATE_CHAIN_FOUND']);
  t.is((await verifyPdf(signed, { ...p.trust, intermediates: [p.inter.der] }, { now: NOW })).verdict, 'valid');
});

test('a CRL not signed by the issuer is ignored (revocation unknown → TRY_LATER)', async t => {
  const forged = makeCrl({ ...p.rogueRoot, name: p.inter.name }, []);
  const v = await verifyPdf(await seal(), { anchors: [p.root.der], crls: [p.rootCrl, forged] }, { now: NOW });
  t.deepEqual(v.reasons, ['TRY_LATER']);
});

test('an invalid signature timestamp is ignored with a warning (POE falls back to now)', async t => {
  const badTsa = (sig: Buffer) => tsaAt(p, d('2026-02-01T00:00:00Z'))(Buffer.concat([sig, Buffer.from('x')]));
  const v = await verifyPdf(await seal(p.revoked, { tsa: badTsa }), p.trust, { now: NOW });
  t.deepEqual(v.reasons, ['REVOKED_NO_POE']);
  t.true(v.warnings.includes('TIMESTAMP_INVALID'));
});

test('OCSP: good and revoked answers from the responder named in the certificate', async t => {
  const signed = await seal(p.ocspLeaf);
  const calls: string[] = [];
  const trust = (revokedAt?: Date) => ({ anchors: [p.root.der], crls: [p.rootCrl], ocsp: true,
    ocspFetch: async (url: string, req: Buffer) => { calls.push(url); return ocspAnswer(req, p.inter, { revokedAt }, NOW); } });
  t.is((await verifyPdf(signed, trust(), { now: NOW })).verdict, 'valid');
  t.deepEqual(calls, ['http://ocsp.test/']);
  const rv = await verifyPdf(signed, trust(d('2026-05-01T00:00:00Z')), { now: NOW });
  t.deepEqual(rv.reasons, ['REVOKED_NO_POE']);
  const down = await verifyPdf(signed, { anchors: [p.root.der], crls: [p.rootCrl], ocsp: true, ocspFetch: async () => { throw new Error('down'); } }, { now: NOW });
  t.deepEqual(down.reasons, ['TRY_LATER']);
  t.true(down.warnings.includes('OCSP_UNAVAILABLE'));
  const forged = await verifyPdf(signed, { ...trust(), ocspFetch: async (_u: string, req: Buffer) => ocspAnswer(req, p.rogueRoot, {}, NOW) }, { now: NOW });
  t.deepEqual(forged.reasons, ['TRY_LATER']);
});

test('a stale CRL (nextUpdate before the validation time) proves nothing: TRY_LATER', async t => {
  const stale = [makeCrl(p.root, [], d('2025-01-01T00:00:00Z'), d('2025-02-01T00:00:00Z')), makeCrl(p.inter, [], d('2025-01-01T00:00:00Z'), d('2025-02-01T00:00:00Z'))];
  const v = await verifyPdf(await seal(), { anchors: [p.root.der], crls: stale }, { now: NOW });
  t.deepEqual(v.reasons, ['TRY_LATER']);
});

test('a timestamp from the future is ignored', async t => {
  const v = await verifyPdf(await seal(p.revoked, { now: d('2026-02-01T00:00:00Z'), tsa: tsaAt(p, d('2027-01-01T00:00:00Z')) }), p.trust, { now: NOW });
  t.deepEqual(v.reasons, ['REVOKED_NO_POE']);
  t.true(v.warnings.includes('TIMESTAMP_INVALID'));
});

test('OCSP good for the leaf does not hide an intermediate with unknown status', async t => {
  const signed = await seal(p.ocspLeaf);
  const v = await verifyPdf(signed, { anchors: [p.root.der], ocsp: true, ocspFetch: async (_u: string, req: Buffer) => ocspAnswer(req, p.inter, {}, NOW) }, { now: NOW });
  t.deepEqual(v.reasons, ['TRY_LATER']);
});

test('embedded revocation data: CRLs in adbe-revocationInfoArchival and in the /DSS are used', async t => {
  const archival = attribute('1.2.840.113583.1.1.8', seq(ctx(0, seq(p.rootCrl, p.subCrl))));
  const withArchive = await signLegacy(await base, p.agency, [p.inter.der], { now: NOW, extraSignedAttrs: [archival] });
  t.is((await verifyPdf(withArchive, { anchors: [p.root.der] }, { now: NOW })).verdict, 'valid');
  const revoked = await signLegacy(await base, p.revoked, [p.inter.der], { now: NOW, extraSignedAttrs: [archival] });
  t.deepEqual((await verifyPdf(revoked, { anchors: [p.root.der] }, { now: NOW })).reasons, ['REVOKED_NO_POE']);

  const signed = await seal();
  const f = new PdfFile(signed);
  const rootRef = f.trailer.get('Root') as PdfRef;
  const cat = f.object(rootRef.num) as PdfDict;
  const catText = signed.toString('latin1', cat.start, cat.end);
  const stream = (b: Buffer) => `<< /Length ${b.length} >>\nstream\n${b.toString('latin1')}\nendstream`;
  const ltv = appendRawUpdate(signed, [
    { num: rootRef.num, body: catText.replace(/>>\s*$/, ' /DSS 601 0 R >>') },
    { num: 601, body: '<< /CRLs [602 0 R 603 0 R] >>' },
    { num: 602, body: stream(p.rootCrl) },
    { num: 603, body: stream(p.subCrl) },
  ]);
  const v = await verifyPdf(ltv, { anchors: [p.root.der] }, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures[0]!.problems));
  t.is(v.signatures[0]!.modification, 'ltv');
});
