import test from 'ava';
import { pki, NOW, d, makeToken } from '../helpers/pki.js';
import { samplePdf } from '../helpers/pki-pdf.js';
import { sealPdf, timestampPdf, verifyPdf } from '../../src/signature/index.js';
import { httpTsa } from '../../src/io/tsa-client.js';
import { seq, int } from '../../src/signature/der-write.js';
import { readDer, child, content, octets } from '../../src/signature/der.js';
import { BridgeError } from '../../src/errors.js';

const p = pki();

/** A fake TSA server: answers a TimeStampReq with a token that echoes the nonce (optionally a wrong one). */
function fakeServer(opts: { badNonce?: boolean; status?: number } = {}) {
  return async (_url: string, req: Buffer): Promise<Buffer> => {
    const r = readDer(req);
    const hashed = octets(child(child(r, 1), 1));
    const nonce = content(child(r, 2));
    const token = await makeToken(p.tsa, [p.inter], Buffer.alloc(0), d('2026-05-31T00:00:00Z'), 7n, { imprint: hashed, nonce: opts.badNonce ? Buffer.from([1]) : nonce });
    return opts.status ? seq(seq(int(opts.status))) : seq(seq(int(0)), token);
  };
}

test('httpTsa: request, response checks, and a B-T seal that verifies with the timestamp as signing time', async t => {
  const sealed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW, tsa: httpTsa('http://tsa.test/', fakeServer()) });
  const v = await verifyPdf(sealed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid');
  t.is(v.signatures[0]!.signingTimeSource, 'timestamp');
});

test('httpTsa: a refused request or a wrong nonce fails with SIGNING_FAILED', async t => {
  for (const o of [{ status: 2 }, { badNonce: true }]) {
    const err = await t.throwsAsync(sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW, tsa: httpTsa('http://tsa.test/', fakeServer(o)) }));
    t.true(err instanceof BridgeError && err.code === 'SIGNING_FAILED', String(err));
  }
});

test('document timestamp (ETSI.RFC3161) after a signature: both valid, timestamp reported as such', async t => {
  const sealed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const stamped = await timestampPdf(sealed, data => makeToken(p.tsa, [p.inter], data, d('2026-06-01T03:00:05Z')), { now: NOW });
  const v = await verifyPdf(stamped, p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => [s.reasons, s.problems])));
  t.deepEqual(v.signatures.map(s => s.kind), ['signature', 'document-timestamp']);
  t.is(v.signatures[1]!.signer, 'Test TSA');
  t.is(v.signatures[1]!.signingTime, '2026-06-01T03:00:05.000Z');
  t.is(v.signatures[0]!.modification, 'ltv');
  t.true(v.signatures[0]!.warnings.includes('LTV_DATA_ADDED'));
});

test('document timestamp over other bytes: invalid', async t => {
  const sealed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const stamped = await timestampPdf(sealed, data => makeToken(p.tsa, [p.inter], Buffer.concat([data, Buffer.from('x')]), NOW), { now: NOW });
  const v = await verifyPdf(stamped, p.trust, { now: NOW });
  t.deepEqual(v.signatures.map(s => s.verdict), ['valid', 'invalid']);
});
