/**
 * Reading hostile and damaged files (docs/hostile-input.md §PDF signature verification limits;
 * docs/signatures.md §Reading damaged and hostile files): reference cycles terminate, a broken startxref is recovered by scanning
 * and reported, encrypted files are ENCRYPTED, compression bombs hit a limit and become a verdict,
 * and a signer that is its own trust anchor is still checked.
 */
import test from 'ava';
import zlib from 'node:zlib';
import { PDFDocument } from '@cantoo/pdf-lib';
import { pki, NOW, d, issue, makeToken } from '../helpers/pki.js';
import { samplePdf } from '../helpers/pki-pdf.js';
import { signWithOpenssl } from '../helpers/producers.js';
import { RawUpdate, stream } from '../helpers/raw-pdf.js';
import { pdfsig } from '../helpers/render.js';
import { sealPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';
import { PdfFile } from '../../src/signature/pdf-file.js';

const p = pki();
const base = samplePdf();
const verify = (pdf: Buffer, trust: Parameters<typeof verifyPdf>[1] = p.trust) => verifyPdf(pdf, trust, { now: NOW });
const openssl = (pdf: Buffer) => signWithOpenssl(pdf, p.agency, [p.inter], { now: NOW });

/** Replace the number after the last `startxref` (same length) in a copy. */
function breakStartxref(pdf: Buffer): Buffer {
  const at = pdf.lastIndexOf('startxref') + 10;
  const out = Buffer.from(pdf);
  const digits = pdf.toString('latin1', at, at + 12).match(/^\d+/)![0];
  out.write(String(Number(digits) - 5).padStart(digits.length, '0'), at, 'latin1');
  return out;
}

test('a signed file whose earlier startxref was broken when signed: recovered by scanning (XREF_RECONSTRUCTED), valid, as pdfsig sees it', async t => {
  const signed = await openssl(breakStartxref(await base));
  const v = await verify(signed);
  t.is(v.verdict, 'valid', JSON.stringify([v.problems, v.signatures[0]?.problems]));
  t.true(v.warnings.includes('XREF_RECONSTRUCTED'));
  t.regex(pdfsig(signed), /Signature is Valid/);
  t.regex(summarizeVi(v), /đã dựng lại/);
});

test('a signature update whose own startxref points at the wrong byte: recovered, still valid', async t => {
  // Sign, then re-sign the placeholder bytes as they were written: the signer wrote a wrong startxref.
  const signed = await openssl(await base);
  const broken = breakStartxref(signed);
  const resigned = await openssl(broken.subarray(0, broken.length));
  const v = await verify(resigned);
  t.true(v.warnings.includes('XREF_RECONSTRUCTED'));
  t.is(v.signatures[1]!.verdict, 'valid');
});

const cycles: Array<[string, (u: RawUpdate) => void]> = [
  ['a /Length that refers to itself through another object', u => { const a = u.reserve(); const b = u.reserve(); u.put(a, `<< /Length ${b} 0 R >>\nstream\nxx\nendstream`); u.put(b, `${a} 0 R`); u.trailer('Info', `${a} 0 R`); }],
  ['two objects that are references to each other', u => { const a = u.reserve(); const b = u.reserve(); u.put(a, `${b} 0 R`); u.put(b, `${a} 0 R`); u.trailer('Info', `${a} 0 R`); }],
  ['a page tree whose /Kids contain itself', u => { const cat = u.dict(u.root); const pages = u.reserve(); u.put(pages, `<< /Type /Pages /Kids [${pages} 0 R] /Count 1 >>`); cat.map.set('Pages', { num: pages, gen: 0 } as never); u.put(u.root, `<< /Type /Catalog /Pages ${pages} 0 R /AcroForm << /Fields [${pages} 0 R] >> >>`); }],
  ['form fields whose /Parent and /Kids loop', u => { const a = u.reserve(); const b = u.reserve(); u.put(a, `<< /FT /Sig /T (a) /Kids [${b} 0 R] /Parent ${b} 0 R >>`); u.put(b, `<< /T (b) /Kids [${a} 0 R] /Parent ${a} 0 R >>`); const cat = u.dict(u.root); u.put(u.root, `<< /Type /Catalog /Pages ${(cat.get('Pages') as { num: number }).num} 0 R /AcroForm << /Fields [${a} 0 R] >> >>`); }],
  ['an object stream that holds itself', u => { const a = u.reserve(); const data = Buffer.from(`${a} 0 `); u.put(a, stream(data, `/Type /ObjStm /N 1 /First ${data.length}`)); u.trailer('Info', `${a} 0 R`); }],
];
for (const [what, make] of cycles) {
  test(`object cycle (${what}) in an unsigned file and after a signature: terminates with a verdict`, async t => {
    const u = new RawUpdate(await base);
    make(u);
    const cyclic = u.finish();
    const v1 = await verify(cyclic);
    t.true(['unsigned', 'invalid', 'indeterminate'].includes(v1.verdict));
    t.false(v1.problems.some(x => /internal/.test(x)), v1.problems.join());
    const u2 = new RawUpdate(await openssl(await base));
    make(u2);
    const v2 = await verify(u2.finish());
    t.true(['invalid', 'indeterminate', 'valid'].includes(v2.verdict));
    t.false(v2.problems.some(x => /internal/.test(x)), v2.problems.join());
  });
}

test('an xref /Prev chain that loops back on itself terminates', async t => {
  const signed = await openssl(await base);
  const at = signed.lastIndexOf('/Prev ') + 6;
  const own = signed.toString('latin1', signed.lastIndexOf('startxref') + 10).match(/^\d+/)![0];
  const prevLen = signed.toString('latin1', at).match(/^\d+/)![0].length;
  const looped = Buffer.from(signed);
  looped.write(own.padEnd(prevLen, ' ').slice(0, prevLen), at, 'latin1');
  const v = await verify(looped);
  t.true(['invalid', 'indeterminate', 'valid'].includes(v.verdict));
});

test('encrypted PDFs: a signed one is indeterminate ENCRYPTED, an unsigned one unsigned with ENCRYPTED_DOCUMENT', async t => {
  const doc = await PDFDocument.load(await base);
  doc.encrypt({ ownerPassword: 'chu', userPassword: '' });
  const encrypted = Buffer.from(await doc.save({ useObjectStreams: false }));
  const unsigned = await verify(encrypted);
  t.deepEqual([unsigned.verdict, unsigned.reasons], ['unsigned', ['NO_SIGNATURE_FOUND']]);
  t.true(unsigned.warnings.includes('ENCRYPTED_DOCUMENT'));
  const signed = await openssl(encrypted);
  const v = await verify(signed);
  t.deepEqual([v.verdict, v.reasons], ['indeterminate', ['ENCRYPTED']]);
  t.regex(summarizeVi(v), /được mã hóa/);
});

const bomb = zlib.deflateSync(Buffer.alloc(40 * 1024 * 1024));

test('a compression bomb in an object stream written after signing: indeterminate DECOMPRESSION_LIMIT, not a crash or a memory blow-up', async t => {
  const u = new RawUpdate(await openssl(await base));
  const os = u.add(`<< /Type /ObjStm /N 1 /First 10 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n${bomb.toString('latin1')}\nendstream`);
  u.put(os + 1, '<< >>');
  const text = u.finish();
  // List object os+1 as compressed in the bomb (an xref stream would; a classic table cannot): use the reader directly.
  const file = new PdfFile(text);
  const rev = file.revisions[file.revisions.length - 1]!;
  rev.entries.set(os + 1, { type: 'c', stream: os, index: 0 });
  t.throws(() => file.object(os + 1), { message: /inflates beyond/ });
  t.true(file.budget.inflated < 100 * 1024 * 1024);
});

test('a compression bomb as the xref stream of an update: the file is indeterminate DECOMPRESSION_LIMIT', async t => {
  const signed = await openssl(await base);
  const xrefAt = signed.length + 1;
  const prev = signed.toString('latin1', signed.lastIndexOf('startxref') + 10).match(/^\d+/)![0];
  const root = signed.toString('latin1').match(/\/Root (\d+) 0 R/)![1];
  const tail = `\n99 0 obj\n<< /Type /XRef /Size 100 /W [1 4 2] /Root ${root} 0 R /Prev ${prev} /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n${bomb.toString('latin1')}\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`;
  const v = await verify(Buffer.concat([signed, Buffer.from(tail, 'latin1')]));
  t.deepEqual([v.verdict, v.reasons], ['indeterminate', ['DECOMPRESSION_LIMIT']]);
  t.regex(summarizeVi(v), /bom nén/);
});

test('a signer that is its own trust anchor: still checked for validity at signing time; revocation not-checked, never good', async t => {
  const self = issue({ cn: 'Tu ky', o: 'Co quan tu cap', serial: 990n, keyUsage: [0, 1], notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2026-03-01T00:00:00Z') });
  const trust = { anchors: [self.der] };
  const key = { ...p.key(self), chain: [] };
  const inTime = await verify(await sealPdf(await base, key, undefined, { now: d('2026-02-01T00:00:00Z'), tsa: sig => makeToken(p.tsa, [p.inter], sig, d('2026-02-01T00:00:05Z')) }), { ...trust, anchors: [self.der, p.root.der], crls: [p.rootCrl, p.subCrl] });
  t.is(inTime.verdict, 'valid', JSON.stringify(inTime.signatures[0]));
  t.is(inTime.signatures[0]!.revocation, 'not-checked');
  const noPoe = await verify(await sealPdf(await base, key, undefined, { now: d('2026-02-01T00:00:00Z') }), trust);
  t.deepEqual(noPoe.reasons, ['OUT_OF_BOUNDS_NO_POE']);
  t.is(noPoe.signatures[0]!.revocation, 'not-checked');
  const late = await verify(await sealPdf(await base, key, undefined, { now: NOW, tsa: sig => makeToken(p.tsa, [p.inter], sig, d('2026-04-01T00:00:00Z')) }), { anchors: [self.der, p.root.der], crls: [p.rootCrl, p.subCrl] });
  t.deepEqual(late.reasons, ['EXPIRED']);
});
