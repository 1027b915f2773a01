/**
 * Timestamps as a strict validator judges them (EN 319 102-1 §5.4, ETSI EN 319 142-1 §5.5): the
 * imprint first (HASH_FAILURE), then the TSA's chain from every certificate the file carries, its
 * validity and its algorithms, each with its own reason; document timestamps as proofs of existence.
 */
import test from 'ava';
import { pki, NOW, d, issue, makeToken, makeCrl, type TestCert } from '../helpers/pki.js';
import { samplePdf } from '../helpers/pki-pdf.js';
import { signWithOpenssl, addLtv } from '../helpers/producers.js';
import { sealPdf, timestampPdf, verifyPdf } from '../../src/signature/index.js';
import { OID } from '../../src/signature/oids.js';

const p = pki();
const base = samplePdf();
const verify = (pdf: Buffer, trust: Parameters<typeof verifyPdf>[1] = p.trust) => verifyPdf(pdf, trust, { now: NOW });
const tsaSub = issue({ cn: 'TSA Sub CA', o: 'Test Time', issuer: p.root, serial: 800n, ca: true, pathLen: 0, notBefore: d('2021-01-01T00:00:00Z'), notAfter: d('2036-01-01T00:00:00Z') });
const tsaLeaf = (serial: bigint, issuer: TestCert, notAfter = d('2035-01-01T00:00:00Z')) => issue({ cn: `TSA ${serial}`, o: 'Test Time', issuer, serial, keyUsage: [0, 1], eku: [OID.kpTimeStamping], ekuCritical: true, notBefore: d('2021-01-01T00:00:00Z'), notAfter });
const subTsa = tsaLeaf(801n, tsaSub);
const trustWithTsaCrl = { anchors: [p.root.der], crls: [p.rootCrl, p.subCrl, makeCrl(tsaSub, [])] };

test('the TSA chains through an intermediate carried only in the signature\'s certificates: the timestamp is POE, a revoked signer stays valid', async t => {
  // The token holds only the TSA certificate; its issuer "TSA Sub CA" is in the signer's CMS, nowhere else.
  const tsa = (sig: Buffer) => makeToken(subTsa, [], sig, d('2026-02-01T00:00:10Z'));
  const withSub = await sealPdf(await base, { ...p.key(p.revoked), chain: [p.inter.der, tsaSub.der] }, undefined, { now: d('2026-02-01T00:00:00Z'), tsa });
  const v = await verify(withSub, trustWithTsaCrl);
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures[0]));
  t.deepEqual(v.signatures[0]!.timestamp, { genTime: '2026-02-01T00:00:10.000Z', tsa: 'TSA 801', valid: true, status: 'valid' });
  // Without the intermediate in the file the timestamp cannot be trusted: no POE, the revocation counts.
  const without = await sealPdf(await base, { ...p.key(p.revoked), chain: [p.inter.der] }, undefined, { now: d('2026-02-01T00:00:00Z'), tsa });
  const w = await verify(without, trustWithTsaCrl);
  t.deepEqual(w.reasons, ['REVOKED_NO_POE']);
  t.true(w.warnings.includes('TIMESTAMP_UNTRUSTED'));
});

test('a document timestamp whose TSA intermediate is only in the /DSS or in an earlier signature\'s CMS is trusted', async t => {
  const signed = await sealPdf(await base, { ...p.key(p.agency), chain: [p.inter.der, tsaSub.der] }, undefined, { now: NOW });
  const stamped = await timestampPdf(signed, data => makeToken(subTsa, [], data, d('2026-06-01T03:00:05Z')), { now: NOW });
  t.is((await verify(stamped, trustWithTsaCrl)).verdict, 'valid');
  const plain = await signWithOpenssl(await base, p.agency, [p.inter], { now: NOW });
  const ltv = await addLtv(plain, { certs: [tsaSub.der], crls: [], token: data => makeToken(subTsa, [], data, d('2026-06-01T03:00:05Z')), now: NOW });
  const v = await verify(ltv, trustWithTsaCrl);
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => s.problems)));
});

const docTs = async (token: (data: Buffer) => Promise<Buffer>) => timestampPdf(await sealPdf(await base, p.key(p.agency), undefined, { now: NOW }), token, { now: NOW });

const cases: Array<[string, (data: Buffer) => Promise<Buffer>, 'valid' | 'invalid' | 'indeterminate', string]> = [
  ['an imprint that does not match the signed ranges', data => makeToken(p.tsa, [p.inter], Buffer.concat([data, Buffer.from('x')]), NOW), 'invalid', 'HASH_FAILURE'],
  ['a TSA that chains to no trust anchor', data => makeToken(issue({ cn: 'Rogue TSA', issuer: p.rogueRoot, serial: 910n, eku: [OID.kpTimeStamping], notBefore: d('2021-01-01T00:00:00Z'), notAfter: d('2035-01-01T00:00:00Z') }), [], data, NOW), 'indeterminate', 'TIMESTAMP_CHAIN_UNTRUSTED'],
  ['a TSA certificate expired at the validation time (no later proof)', data => makeToken(tsaLeaf(802n, p.inter, d('2026-03-01T00:00:00Z')), [p.inter], data, d('2026-02-15T00:00:00Z')), 'indeterminate', 'TIMESTAMP_CERT_EXPIRED'],
  ['a SHA-1 imprint', data => makeToken(p.tsa, [p.inter], data, NOW, 1n, { hash: 'sha1' }), 'indeterminate', 'TIMESTAMP_WEAK_ALGORITHM'],
];
for (const [what, token, verdict, reason] of cases) {
  test(`document timestamp with ${what}: ${verdict} ${reason}; the signature before it stays valid (the timestamp is not a change)`, async t => {
    const v = await verify(await docTs(token));
    const [sig, ts] = v.signatures;
    t.is(ts!.kind, 'document-timestamp');
    t.is(ts!.verdict, verdict);
    t.deepEqual(ts!.reasons, [reason]);
    t.is(sig!.verdict, 'valid', JSON.stringify(sig!.problems));
    t.is(sig!.modification, 'ltv');
  });
}

test('an expired TSA is rescued by a later document timestamp (PAdES B-LTA): the proof of existence moves the validation time', async t => {
  const oldTsa = tsaLeaf(803n, p.inter, d('2026-03-01T00:00:00Z'));
  const first = await docTs(data => makeToken(oldTsa, [p.inter], data, d('2026-02-15T00:00:00Z')));
  t.deepEqual((await verify(first)).signatures[1]!.reasons, ['TIMESTAMP_CERT_EXPIRED']);
  const renewed = await timestampPdf(first, data => makeToken(p.tsa, [p.inter], data, d('2026-02-20T00:00:00Z')), { now: NOW });
  const v = await verify(renewed);
  t.deepEqual(v.signatures.map(s => s.verdict), ['valid', 'valid', 'valid'], JSON.stringify(v.signatures.map(s => s.problems)));
});

test('a document timestamp is a proof of existence for the signature it covers: an expired signer without a signature timestamp becomes valid', async t => {
  const signed = await sealPdf(await base, p.key(p.expired), undefined, { now: d('2025-06-01T00:00:00Z') });
  t.deepEqual((await verify(signed)).reasons, ['OUT_OF_BOUNDS_NO_POE']);
  const stamped = await timestampPdf(signed, data => makeToken(p.tsa, [p.inter], data, d('2025-06-02T00:00:00Z')), { now: NOW });
  const v = await verify(stamped);
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => [s.reasons, s.problems])));
});

test('a signature timestamp whose imprint does not match is reported as such and ignored (no POE)', async t => {
  const bad = (sig: Buffer) => makeToken(p.tsa, [p.inter], Buffer.concat([sig, Buffer.from('x')]), d('2026-02-01T00:00:10Z'));
  const v = await verify(await sealPdf(await base, p.key(p.revoked), undefined, { now: d('2026-02-01T00:00:00Z'), tsa: bad }));
  t.is(v.signatures[0]!.timestamp?.status, 'hash-failure');
  t.deepEqual(v.reasons, ['REVOKED_NO_POE']);
});

test('a signature timestamp from an expired TSA warns TIMESTAMP_EXPIRED and gives no POE', async t => {
  const oldTsa = tsaLeaf(804n, p.inter, d('2026-03-01T00:00:00Z'));
  const v = await verify(await sealPdf(await base, p.key(p.revoked), undefined, { now: d('2026-02-01T00:00:00Z'), tsa: sig => makeToken(oldTsa, [p.inter], sig, d('2026-02-01T00:00:10Z')) }));
  t.is(v.signatures[0]!.timestamp?.status, 'expired');
  t.true(v.warnings.includes('TIMESTAMP_EXPIRED'));
  t.deepEqual(v.reasons, ['REVOKED_NO_POE']);
});
