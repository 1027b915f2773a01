import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { pki, NOW } from '../helpers/pki.js';
import { samplePdf, lastHole, flip, addContentIncrementally } from '../helpers/pki-pdf.js';
import { sealPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';

const p = pki();
const signedP = samplePdf().then(b => sealPdf(b, p.key(p.agency), undefined, { now: NOW }));

/** Replace `from` by `to` (same length) in a copy. */
function patch(buf: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('patch must keep the length');
  const at = buf.lastIndexOf(from);
  if (at < 0) throw new Error(`not found: ${from}`);
  const out = Buffer.from(buf);
  out.write(to, at, 'latin1');
  return out;
}

function byteRangeText(buf: Buffer): { text: string; nums: number[] } {
  const m = buf.toString('latin1').match(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]\s*/g)!;
  const text = m[m.length - 1]!.trimEnd();
  return { text, nums: text.match(/\d+/g)!.map(Number) };
}

test('invalid HASH_FAILURE: one byte changed inside the signed range', async t => {
  const signed = await signedP;
  const at = signed.indexOf('stream\n') + 12; // inside the first stream's data: the structure stays readable
  t.true(at > 12);
  const v = await verifyPdf(flip(signed, at, 0x20), p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['HASH_FAILURE']);
  t.is(v.signatures[0]!.integrity, 'hash-mismatch');
  t.regex(summarizeVi(v), /Không hợp lệ/);
});

test('invalid SIG_CRYPTO_FAILURE: one byte of the signature value changed', async t => {
  const signed = await signedP;
  const h = lastHole(signed);
  // The signature value is the last element of the CMS (no unsigned attributes here).
  const at = h.start + 1 + (h.cmsLength - 10) * 2;
  const tampered = Buffer.from(signed);
  tampered.write(signed[at] === 0x30 ? '1' : '0', at, 'latin1');
  const v = await verifyPdf(tampered, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['SIG_CRYPTO_FAILURE']);
  t.is(v.signatures[0]!.integrity, 'signature-invalid');
});

test('invalid FORMAT_FAILURE: content added after signing in an incremental update', async t => {
  const v = await verifyPdf(await addContentIncrementally(await signedP), p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
  const s = v.signatures[0]!;
  t.is(s.integrity, 'intact');
  t.is(s.modification, 'other');
  t.false(s.coversWholeDocument);
  t.false(v.lastRevisionSigned);
  t.true(s.modifications.some(m => /page .*\/Contents/.test(m.what)), JSON.stringify(s.modifications));
});

test('invalid FORMAT_FAILURE: the signed file re-saved with pdf-lib 1.17.1 (whole file rewritten)', async t => {
  const doc = await PDFDocument.load(await signedP);
  const resaved = Buffer.from(await doc.save());
  const v = await verifyPdf(resaved, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
});

test('invalid FORMAT_FAILURE: truncated /Contents (CMS cut short)', async t => {
  const signed = await signedP;
  const h = lastHole(signed);
  const cut = Buffer.from(signed);
  cut.fill('0', h.start + 1 + h.cmsLength, h.end - 1); // keep length, zero the second half of the CMS
  cut.fill('0', h.start + 1 + h.cmsLength, h.start + 1 + h.cmsLength * 2 - 2);
  const v = await verifyPdf(cut, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
});

test('bytes after the CMS inside /Contents are outside the signed ranges: valid, reported as CONTENTS_TRAILING_DATA', async t => {
  const signed = await signedP;
  const h = lastHole(signed);
  const out = Buffer.from(signed);
  out.write('deadbeef', h.start + 1 + h.cmsLength * 2 + 8, 'latin1');
  const v = await verifyPdf(out, p.trust, { now: NOW });
  t.is(v.verdict, 'valid');
  t.true(v.warnings.includes('CONTENTS_TRAILING_DATA'));
});

const lies: Array<[string, (n: number[]) => number[]]> = [
  ['does not start at 0', ([, b, c, d]) => [1, b! - 1, c!, d!]],
  ['hole larger than /Contents', ([a, b, c, d]) => [a!, b! - 2, c!, d!]],
  ['hole smaller than /Contents', ([a, b, c, d]) => [a!, b!, c! - 2, d! + 2]],
  ['ends before the file does not end at %%EOF', ([a, b, c, d]) => [a!, b!, c!, d! - 3]],
  ['beyond the end of the file', ([a, b, c, d]) => [a!, b!, c!, d! + 100]],
];
for (const [title, lie] of lies) {
  test(`invalid FORMAT_FAILURE: a ByteRange that lies (${title})`, async t => {
    const signed = await signedP;
    const br = byteRangeText(signed);
    const text = `/ByteRange [${lie(br.nums).join(' ')}]`.padEnd(br.text.length, ' ');
    const v = await verifyPdf(patch(signed, br.text, text.slice(0, br.text.length)), p.trust, { now: NOW });
    t.is(v.verdict, 'invalid');
    t.true(v.reasons.includes('FORMAT_FAILURE'), JSON.stringify(v.signatures[0]?.problems));
  });
}

test('invalid FORMAT_FAILURE: the CMS lists two SignerInfos … or none: a non-CMS /Contents', async t => {
  const signed = await signedP;
  const h = lastHole(signed);
  const out = Buffer.from(signed);
  out.write('3003020101', h.start + 1, 'latin1'); // SEQUENCE { INTEGER 1 }: DER but not SignedData
  out.fill('0', h.start + 11, h.start + 1 + h.cmsLength * 2);
  const v = await verifyPdf(out, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
});

const junk: Array<[string, () => Buffer]> = [
  ['an empty file', () => Buffer.alloc(0)],
  ['a text file named .pdf', () => Buffer.from('Kính gửi: UBND tỉnh\nĐây không phải PDF.\n')],
  ['a ZIP file', () => Buffer.from('504b0304140000000800', 'hex')],
  ['random bytes', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
  ['a PDF header with garbage', () => Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << /ByteRange [0 1 2 3] >>\ngarbage')],
  ['a truncated signed PDF', () => Buffer.alloc(0)],
];
for (const [title, make] of junk) {
  test(`no crash, invalid FORMAT_FAILURE: ${title}`, async t => {
    const buf = title.startsWith('a truncated') ? (await signedP).subarray(0, 3000) : make();
    const v = await verifyPdf(buf, p.trust, { now: NOW });
    t.is(v.verdict, 'invalid');
    t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
    t.regex(summarizeVi(v), /Không hợp lệ/);
  });
}

test('a SubFilter rewritten to adbe.pkcs7.sha1 after signing changes signed bytes: invalid HASH_FAILURE', async t => {
  const signed = await signedP;
  const v = await verifyPdf(patch(signed, '/SubFilter /ETSI.CAdES.detached', '/SubFilter /adbe.pkcs7.sha1    '), p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['HASH_FAILURE']);
});

test('refused: an intact SHA-1 signature is indeterminate WEAK_HASH_ALGORITHM', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW, hash: 'sha1' });
  const v = await verifyPdf(signed, p.trust, { now: NOW });
  t.is(v.verdict, 'indeterminate');
  t.deepEqual(v.reasons, ['WEAK_HASH_ALGORITHM']);
});

test('fuzz: 300 random corruptions of a signed file never throw and never verify as valid when signed bytes changed', async t => {
  const signed = await signedP;
  const [, b, c] = byteRangeText(signed).nums as [number, number, number, number];
  let seed = 42;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let i = 0; i < 300; i++) {
    const bad = Buffer.from(signed);
    const at = rnd(bad.length);
    const kind = rnd(3);
    if (kind === 0) bad[at] = rnd(256);
    else if (kind === 1) bad.fill(0x20, at, Math.min(bad.length, at + 1 + rnd(64)));
    const input = kind === 2 ? bad.subarray(0, at) : bad;
    const v = await verifyPdf(input, p.trust, { now: NOW });
    t.true(['valid', 'invalid', 'indeterminate', 'unsigned'].includes(v.verdict));
    const touchedSigned = kind !== 2 && !bad.equals(signed) && (at < b || at >= c);
    if (touchedSigned && v.verdict === 'valid') t.fail(`corruption at ${at} (kind ${kind}) still valid`);
  }
});
