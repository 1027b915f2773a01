import test from 'ava';
import { PDFDocument } from '@cantoo/pdf-lib';
import { pki, NOW, d } from '../helpers/pki.js';
import { samplePdf, addContentIncrementally, appendRawUpdate } from '../helpers/pki-pdf.js';
import { sealPdf, stampPdf, verifyPdf, summarizeVi } from '../../src/signature/index.js';
import { PdfFile } from '../../src/signature/pdf-file.js';
import { stampFont } from '../../src/io/stamp-font.js';

const p = pki();
const stamp = { numberNotation: '125/QĐ-UBND', date: d('2026-05-31T02:00:00Z'), place: 'Hà Nội' };
const leaderSigned = samplePdf().then(b => sealPdf(b, p.key(p.leader), undefined, { now: d('2026-05-31T01:00:00Z'), reason: 'Lãnh đạo ký' }));

test('Decree 30 flow: leader signs, clerk stamps the number (annotation), agency signs: all valid', async t => {
  const numbered = await stampPdf(await leaderSigned, stamp, { font: stampFont() });
  const sealed = await sealPdf(numbered, p.key(p.agency), undefined, { now: NOW });
  const v = await verifyPdf(sealed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => s.problems)));
  const [leader, agency] = v.signatures;
  t.is(leader!.modification, 'annotations');
  t.true(leader!.warnings.includes('MODIFIED_COVERED_BY_LATER_SIGNATURE'));
  t.false(leader!.coversWholeDocument);
  t.true(agency!.coversWholeDocument);
  t.is(v.revisions, 4);
  t.regex(summarizeVi(v), /thêm chú thích/);
});

test('Decree 30 flow with stamp and agency signature in one update (sealPdf with a stamp): valid', async t => {
  const sealed = await sealPdf(await leaderSigned, p.key(p.agency), stamp, { now: NOW, font: stampFont() });
  const v = await verifyPdf(sealed, p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures.map(s => s.problems)));
  t.is(v.signatures[0]!.modification, 'annotations');
});

test('the number stamped but no agency signature: the leader signature is invalid unless annotations are allowed', async t => {
  const numbered = await stampPdf(await leaderSigned, stamp, { font: stampFont() });
  const strict = await verifyPdf(numbered, p.trust, { now: NOW });
  t.is(strict.verdict, 'invalid');
  t.deepEqual(strict.reasons, ['FORMAT_FAILURE']);
  t.is(strict.signatures[0]!.modification, 'annotations');
  const lenient = await verifyPdf(numbered, p.trust, { now: NOW, allowedModification: 'annotations' });
  t.is(lenient.verdict, 'valid');
  const formOnly = await verifyPdf(numbered, p.trust, { now: NOW, allowedModification: 'form-filling' });
  t.is(formOnly.verdict, 'invalid');
});

test('the same flow with a content change instead of an annotation fails (agency signature cannot bless it)', async t => {
  const changed = await addContentIncrementally(await leaderSigned, 'Số: 999/QĐ-UBND');
  const sealed = await sealPdf(changed, p.key(p.agency), undefined, { now: NOW });
  const v = await verifyPdf(sealed, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.signatures.map(s => s.verdict), ['invalid', 'valid']);
  t.is(v.signatures[0]!.modification, 'other');
});

test('an untrusted later signature does not cover the annotations', async t => {
  const numbered = await stampPdf(await leaderSigned, stamp, { font: stampFont() });
  const sealed = await sealPdf(numbered, { ...p.key(p.rogue), chain: [] }, undefined, { now: NOW });
  const v = await verifyPdf(sealed, p.trust, { now: NOW });
  t.deepEqual(v.signatures.map(s => s.verdict), ['invalid', 'indeterminate']);
});

test('form filling after an approval signature: FORM_FILLING level, allowed with a warning (ISO 32000-2 §12.8.2.2)', async t => {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  doc.getForm().createTextField('so_van_ban').addToPage(page, { x: 60, y: 700, width: 200, height: 20 });
  const signed = await sealPdf(Buffer.from(await doc.save({ useObjectStreams: false })), p.key(p.leader), undefined, { now: NOW });
  const upd = await PDFDocument.load(signed, { forIncrementalUpdate: true, updateMetadata: false });
  upd.getForm().getTextField('so_van_ban').setText('125/QD-UBND');
  const filled = Buffer.from(await upd.commit({ useObjectStreams: false }));
  const strict = await verifyPdf(filled, p.trust, { now: NOW });
  t.is(strict.signatures[0]!.modification, 'form-filling', JSON.stringify(strict.signatures[0]!.modifications));
  t.is(strict.verdict, 'valid');
  t.true(strict.signatures[0]!.warnings.includes('FORM_FILLED_AFTER_SIGNING'));
  t.is((await verifyPdf(await sealPdf(filled, p.key(p.agency), undefined, { now: NOW }), p.trust, { now: NOW })).verdict, 'valid');
});

/** Offsets of objects in the newest revision, via our own reader. */
function offsets(pdf: Buffer): Map<number, number> {
  const f = new PdfFile(pdf);
  const m = new Map<number, number>();
  for (const r of f.revisions) for (const [n, e] of r.entries) if (e.type === 'n') m.set(n, e.offset);
  return m;
}

test('shadow hide-and-replace: an xref-only update re-points an object into the signed bytes', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const f = new PdfFile(signed);
  const catalogNum = (f.trailer.get('Root') as { num: number }).num;
  const offs = offsets(signed);
  const other = [...offs.keys()].find(n => n !== catalogNum && n !== 0)!;
  // Object `catalogNum` now points at another object's bytes: no new object body at all.
  const attacked = appendRawUpdate(signed, [], [{ num: other, offset: offs.get(catalogNum)! }]);
  const v = await verifyPdf(attacked, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.is(v.signatures[0]!.modification, 'other');
  t.regex(v.signatures[0]!.problems.join(), /outside its update/);
});

test('shadow: an object defined in an update but missing from its xref (seen only by sequential parsers)', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const attacked = appendRawUpdate(signed, [{ num: 1, body: '<< /Type /Pages /Kids [] /Count 0 >>', listed: false }]);
  const v = await verifyPdf(attacked, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.regex(v.signatures[0]!.problems.join(), /not in its xref/);
});

test('incremental saving attack without xref: bytes after the last %%EOF', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const attacked = Buffer.concat([signed, Buffer.from('\n4 0 obj\n<< /Type /Page >>\nendobj\n')]);
  const v = await verifyPdf(attacked, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
});

test('signature dictionary spoofing: a later update rewrites the signed /Sig dictionary', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW, reason: 'Ban hành' });
  const f = new PdfFile(signed);
  const last = f.revisions[f.revisions.length - 1]!;
  const sigNum = [...last.entries].find(([n]) => { const o = f.object(n); return o instanceof Object && 'map' in o && (o as { map: Map<string, unknown> }).map.has('ByteRange'); })![0];
  const old = signed.toString('latin1', (last.entries.get(sigNum) as { offset: number }).offset);
  const body = old.slice(old.indexOf('<<'), old.indexOf('endobj')).replace(/\/Reason <[0-9A-F]+>/i, '/Reason (Spoofed)');
  const v = await verifyPdf(appendRawUpdate(signed, [{ num: sigNum, body }]), p.trust, { now: NOW });
  // The field's /V now names a dictionary whose /Contents is not the signed hole.
  t.is(v.verdict, 'invalid');
  t.deepEqual(v.reasons, ['FORMAT_FAILURE']);
});

test('a harmless metadata-only update keeps the signature valid (level none)', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const v = await verifyPdf(appendRawUpdate(signed, [{ num: 500, body: '<< /Producer (edoc-bridge) >>' }], [], ' /Info 500 0 R'), p.trust, { now: NOW });
  t.is(v.verdict, 'valid', JSON.stringify(v.signatures[0]!.problems));
  t.is(v.signatures[0]!.modification, 'none');
});

test('hide-and-replace: a new catalog behind the old signature (trailer /Root swapped)', async t => {
  const signed = await sealPdf(await samplePdf(), p.key(p.agency), undefined, { now: NOW });
  const attacked = appendRawUpdate(signed, [
    { num: 501, body: '<< /Type /Catalog /Pages 502 0 R >>' },
    { num: 502, body: '<< /Type /Pages /Kids [] /Count 0 >>' },
  ]);
  const swapped = Buffer.from(attacked.toString('latin1').replace(/\/Root \d+ 0 R \/Prev (\d+) >>\nstartxref\n(\d+)\n%%EOF\n$/, (m) => m.replace(/\/Root \d+/, '/Root 501')), 'latin1');
  t.not(swapped.toString('latin1'), attacked.toString('latin1'));
  const v = await verifyPdf(swapped, p.trust, { now: NOW });
  t.is(v.verdict, 'invalid');
});

test('certification (DocMDP): P=1 forbids even a later signature, P=2 forbids annotations, P=3 allows them', async t => {
  const certified = async (P: 1 | 2 | 3) => sealPdf(await samplePdf(), p.key(p.leader), undefined, { now: NOW, certify: P });
  const one = await certified(1);
  t.is((await verifyPdf(one, p.trust, { now: NOW })).signatures[0]!.docMdp, 1);
  t.is((await verifyPdf(one, p.trust, { now: NOW })).verdict, 'valid');
  const v1 = await verifyPdf(await sealPdf(one, p.key(p.agency), undefined, { now: NOW }), p.trust, { now: NOW });
  t.deepEqual(v1.signatures.map(s => s.verdict), ['invalid', 'valid']);
  const flow = async (P: 2 | 3) => verifyPdf(await sealPdf(await stampPdf(await certified(P), stamp, { font: stampFont() }), p.key(p.agency), undefined, { now: NOW }), p.trust, { now: NOW });
  t.deepEqual((await flow(2)).signatures.map(s => s.verdict), ['invalid', 'valid']);
  t.is((await flow(3)).verdict, 'valid');
});
