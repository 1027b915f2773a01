/**
 * Certificates are parsed once per distinct DER (docs/operations.md §Throughput): the same CA chain
 * comes with every signed mail. The cache must give the same facts, never keep the caller's larger
 * buffer alive, and stay bounded.
 */
import test from 'ava';
import { CERT_CACHE_SIZE, parseCert } from '../../src/signature/cert.js';
import { ecKey, issue } from '../helpers/pki.js';

// One EC key for every certificate here: RSA key generation would make this file slow.
const key = ecKey();
const root = issue({ cn: 'Gốc thử', serial: 1n, ca: true, key });
const inter = issue({ cn: 'Test Sub CA', issuer: root, serial: 2n, ca: true, key });

test('the same DER twice gives the one parsed certificate; a PEM of it too', t => {
  const a = parseCert(inter.der);
  const b = parseCert(Buffer.from(inter.der));
  t.is(a, b);
  t.is(parseCert(Buffer.from(inter.pem)), a);
  t.regex(a.subject, /Test Sub CA/);
});

test('a certificate read out of a larger buffer (a PDF) keeps its own copy, not the buffer', t => {
  const leader = issue({ cn: 'Nguyễn Văn Lãnh Đạo', issuer: inter, serial: 3n, key });
  const pdf = Buffer.concat([Buffer.alloc(4096, 0x20), leader.der, Buffer.alloc(4096, 0x20)]);
  const cert = parseCert(pdf.subarray(4096, 4096 + leader.der.length));
  t.not(cert.der.buffer, pdf.buffer);
  t.true(cert.der.equals(leader.der));
  t.true(cert.tbs.buffer === cert.der.buffer, 'its parts are views of its own copy');
});

test('bounded: past the cache size the least recently used certificate is parsed again', t => {
  const first = issue({ cn: 'Đầu tiên', serial: 7000n, ca: true, key });
  const kept = parseCert(first.der);
  for (let i = 0; i < CERT_CACHE_SIZE; i++) parseCert(issue({ cn: `Chứng thư ${i}`, serial: BigInt(7001 + i), ca: true, key }).der);
  const again = parseCert(first.der);
  t.not(again, kept);
  t.deepEqual(again.fingerprint256, kept.fingerprint256);
  t.is(again.subject, kept.subject);
});
