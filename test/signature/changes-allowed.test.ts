/**
 * What may change after signing (docs/signatures.md §What may change after signing): each allowed
 * class of the decision table, on files signed by independent producers. Every case also runs with
 * the table row that allows it turned to `forbidden`, and must then fail: the row is what decides.
 */
import test from 'ava';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { pki, NOW, d, makeToken } from '../helpers/pki.js';
import { samplePdf, formPdf, fillIncrementally, signedRevision } from '../helpers/pki-pdf.js';
import { signWithOpenssl, signWithSignpdf, addLtv } from '../helpers/producers.js';
import { RawUpdate, appendAnnot, firstPage, stream, fieldObject, widgetOf, appearanceOf, replaceAppearance, parse } from '../helpers/raw-pdf.js';
import { looksSame, pdfsig } from '../helpers/render.js';
import { sealPdf, verifyPdf } from '../../src/signature/index.js';
import { CHANGE_TABLE, type ChangeClass, type ChangeRule, type Role } from '../../src/signature/change-table.js';
import { PdfRef } from '../../src/signature/pdf-lexer.js';

const p = pki();
type Opts = Partial<Parameters<typeof verifyPdf>[2]>;
const verify = (pdf: Buffer, o: Opts = {}) => verifyPdf(pdf, p.trustAll, { now: NOW, ...o });
/** The table with one row's class replaced (a deliberately wrong entry). */
const mutated = (role: Role, key: string, cls: ChangeClass): ChangeRule[] => [{ role, key, cls, why: 'mutated for the test', clause: '-' }, ...CHANGE_TABLE];
const problems = (v: Awaited<ReturnType<typeof verify>>) => JSON.stringify(v.signatures.map(s => [s.reasons, s.problems]));

const openssl = (pdf: Buffer) => signWithOpenssl(pdf, p.agency, [p.inter], { now: NOW, cades: true });
const sealer = (pdf: Buffer, certify?: 1 | 2 | 3) => sealPdf(pdf, p.key(p.leader), undefined, { now: NOW, certify });
const signpdf = (pdf: Buffer) => signWithSignpdf(pdf, p.ascii, [], NOW);

/** A square annotation with its own appearance, added by hand in an incremental update. */
function addAnnotation(pdf: Buffer): Buffer {
  const u = new RawUpdate(pdf);
  const page = firstPage(u);
  const ap = u.add(stream('1 0 0 rg 0 0 100 20 re f', '/Type /XObject /Subtype /Form /BBox [0 0 100 20]'));
  appendAnnot(u, page, u.add(`<< /Type /Annot /Subtype /Square /Rect [300 700 400 720] /C [1 0 0] /AP << /N ${ap} 0 R >> /P ${page} 0 R >>`));
  return u.finish();
}

// ——— LTV: /DSS with CRLs and VRI, /Extensions, a document timestamp (ETSI EN 319 142-1 §5.4, §5.5)

const ltv = (pdf: Buffer) => addLtv(pdf, {
  certs: [p.agency.der, p.leader.der, p.inter.der, p.root.der], crls: [p.rootCrl, p.subCrl, p.asciiCrl],
  token: data => makeToken(p.tsa, [p.inter], data, d('2026-06-01T03:00:05Z')), now: NOW,
});
const ltvProducers: Array<[string, (pdf: Buffer) => Promise<Buffer>]> = [['OpenSSL', openssl], ['@signpdf', signpdf], ['our sealer', pdf => sealer(pdf)]];
for (const [name, sign] of ltvProducers) {
  test(`LTV extension after a ${name} signature: valid at level ltv, revocation from the /DSS CRLs; wrong table → invalid`, async t => {
    const extended = await ltv(await sign(await samplePdf()));
    const noCrls = { anchors: [p.root.der, p.asciiRoot.der] };
    const v = await verifyPdf(extended, noCrls, { now: NOW });
    t.is(v.verdict, 'valid', problems(v));
    t.deepEqual(v.signatures.map(s => s.kind), ['signature', 'document-timestamp']);
    t.is(v.signatures[0]!.modification, 'ltv');
    t.true(v.signatures[0]!.warnings.includes('LTV_DATA_ADDED'));
    t.is(v.signatures[0]!.revocation, 'good');
    t.regex(pdfsig(extended), /Not total document signed[\s\S]*Signature is Valid/);
    for (const [role, key] of [['catalog', 'Extensions'], ['catalog', 'DSS'], ['new', 'timestamp-dict']] as const) {
      const wrong = await verifyPdf(extended, noCrls, { now: NOW, changeTable: mutated(role, key, 'forbidden') });
      t.is(wrong.signatures[0]!.verdict, 'invalid', `${role} ${key}`);
    }
  });
}

test('LTV extension after a certification signature with DocMDP P=1 is still allowed (ISO 32000-2 §12.8.2.2.2); an annotation is not', async t => {
  const certified = await sealer(await samplePdf(), 1);
  t.is((await verify(await ltv(certified))).verdict, 'valid');
  t.is((await verify(addAnnotation(certified), { allowedModification: 'annotations' })).signatures[0]!.verdict, 'invalid');
});

// ——— Form filling per DocMDP and FieldMDP

for (const [name, sign] of [['OpenSSL', openssl], ['our sealer', (pdf: Buffer) => sealer(pdf)]] as const) {
  test(`form filled after a ${name} approval signature: valid with FORM_FILLED_AFTER_SIGNING; wrong table → invalid`, async t => {
    const filled = await fillIncrementally(await sign(await formPdf()), { ghi_chu: 'Da xem xet' });
    const v = await verify(filled);
    t.is(v.verdict, 'valid', problems(v));
    t.is(v.signatures[0]!.modification, 'form-filling');
    t.true(v.warnings.includes('FORM_FILLED_AFTER_SIGNING'));
    t.regex(pdfsig(filled), /Signature is Valid/);
    t.false(looksSame(signedRevision(filled), filled), 'the filled value shows');
    t.is((await verify(filled, { changeTable: mutated('field', 'V', 'forbidden') })).verdict, 'invalid');
  });
}

test('form filling under DocMDP: P=2 and P=3 allow it, P=1 forbids it', async t => {
  for (const [P, verdict] of [[1, 'invalid'], [2, 'valid'], [3, 'valid']] as const) {
    const v = await verify(await fillIncrementally(await sealer(await formPdf(), P), { ghi_chu: 'Da xem xet' }));
    t.is(v.signatures[0]!.verdict, verdict, `P=${P} ${problems(v)}`);
  }
});

test('FieldMDP (/Lock of an OpenSSL signature field): filling a locked field is invalid, another field stays allowed', async t => {
  const signed = await signWithOpenssl(await formPdf(), p.agency, [p.inter], { now: NOW, widgetExtra: ' /Lock << /Type /SigFieldLock /Action /Include /Fields [(so_van_ban)] >>' });
  const locked = await verify(await fillIncrementally(signed, { so_van_ban: '99/QD-UBND' }));
  t.is(locked.verdict, 'invalid');
  t.regex(problems(locked), /so_van_ban is locked/);
  t.is((await verify(await fillIncrementally(signed, { ghi_chu: 'Da xem xet' }))).verdict, 'valid');
});

// ——— Annotations per P=3

test('annotation after a certification P=3 signature: valid with ANNOTATIONS_CHANGED_AFTER_SIGNING; P=2 invalid; wrong table → invalid', async t => {
  const p3 = addAnnotation(await sealer(await samplePdf(), 3));
  const v = await verify(p3);
  t.is(v.verdict, 'valid', problems(v));
  t.true(v.warnings.includes('ANNOTATIONS_CHANGED_AFTER_SIGNING'));
  t.is((await verify(p3, { changeTable: mutated('annots-item', 'added:annotation', 'forbidden') })).verdict, 'invalid');
  t.is((await verify(addAnnotation(await sealer(await samplePdf(), 2)))).verdict, 'invalid');
});

test('annotation deleted after a certification P=3 signature: valid; wrong table → invalid', async t => {
  const annotated = addAnnotation(await samplePdf());
  const signed = await sealer(annotated, 3);
  const u = new RawUpdate(signed);
  const page = u.dict(firstPage(u));
  const annots = u.resolve(page.get('Annots')) as PdfRef[];
  page.map.set('Annots', annots.slice(1)); // the square goes, the signature widget stays
  u.put(firstPage(u), page);
  const removed = u.finish();
  t.is((await verify(removed)).verdict, 'valid', problems(await verify(removed)));
  t.is((await verify(removed, { changeTable: mutated('annots-item', 'removed:annotation', 'forbidden') })).verdict, 'invalid');
});

test('annotation after approval signatures (OpenSSL, @signpdf): invalid alone, valid under a later trusted signature or when the gateway allows annotations', async t => {
  for (const sign of [openssl, signpdf]) {
    const annotated = addAnnotation(await sign(await samplePdf()));
    t.is((await verify(annotated)).verdict, 'invalid');
    t.is((await verify(annotated, { allowedModification: 'annotations' })).verdict, 'valid');
    const covered = await verify(await sealPdf(annotated, p.key(p.agency), undefined, { now: NOW }));
    t.is(covered.verdict, 'valid', problems(covered));
    t.true(covered.signatures[0]!.warnings.includes('MODIFIED_COVERED_BY_LATER_SIGNATURE'));
  }
});

// ——— Appearance regeneration: same value, an appearance that shows the same

test('appearances regenerated by pdf-lib for unchanged values: valid with APPEARANCE_REGENERATED, and poppler renders the same; wrong table → invalid', async t => {
  const signed = await openssl(await formPdf());
  const doc = await PDFDocument.load(signed, { forIncrementalUpdate: true, updateMetadata: false });
  const form = doc.getForm();
  form.markFieldAsDirty(form.getTextField('so_van_ban').ref);
  form.updateFieldAppearances(await doc.embedFont(StandardFonts.Helvetica));
  const regenerated = Buffer.from(await doc.commit({ useObjectStreams: false }));
  const v = await verify(regenerated);
  t.is(v.verdict, 'valid', problems(v));
  t.true(v.warnings.includes('APPEARANCE_REGENERATED'));
  t.true(looksSame(signedRevision(regenerated), regenerated));
  t.is((await verify(regenerated, { changeTable: mutated('field', 'same-appearance', 'forbidden') })).verdict, 'invalid');
});

test('an appearance stream rewritten by hand with the same operators laid out anew: APPEARANCE_REGENERATED, same rendering; wrong table → invalid', async t => {
  const signed = await sealer(await formPdf());
  const u = new RawUpdate(signed);
  const widget = widgetOf(u, fieldObject(u, 'so_van_ban'));
  const content = u.streamData(appearanceOf(u, widget)).toString('latin1');
  replaceAppearance(u, widget, content.replace(/\n/g, '  ').replace(/1 0 0 1 2 5\.397 Tm/, '1 0 0 1 2.0 5.3970 Tm'));
  const regenerated = u.finish();
  const v = await verify(regenerated);
  t.is(v.verdict, 'valid', problems(v));
  t.true(v.warnings.includes('APPEARANCE_REGENERATED'));
  t.true(looksSame(signedRevision(regenerated), regenerated));
  t.is((await verify(regenerated, { changeTable: mutated('field', 'same-appearance', 'forbidden') })).verdict, 'invalid');
});

// ——— Structure-tree and page-resource bookkeeping, a rewritten catalog, later signatures

test('bookkeeping a signing tool adds (structure tree, tab order, a new page resource, the catalog rewritten under a new number): valid; wrong table → invalid', async t => {
  const signed = await openssl(await samplePdf());
  const u = new RawUpdate(signed);
  const pageNum = firstPage(u);
  const page = u.dict(pageNum);
  const res = u.resolve(page.get('Resources'));
  const resources = parse(`<< ${(res as { map: Map<string, unknown> }).map.has('Font') ? '' : ''} >>`) as ReturnType<typeof u.dict>;
  for (const [k, v] of (res as ReturnType<typeof u.dict>).map) resources.map.set(k, v);
  resources.map.set('ExtGState', parse(`<< /GSsig ${u.add('<< /Type /ExtGState /CA 1 >>')} 0 R >>`));
  page.map.set('Resources', resources);
  page.map.set('Tabs', parse('/S'));
  page.map.set('StructParents', 0);
  u.put(pageNum, page);
  const tree = u.add(`<< /Type /StructTreeRoot /K [] /ParentTree << /Nums [] >> >>`);
  const cat = u.dict(u.root);
  cat.map.set('StructTreeRoot', new PdfRef(tree, 0));
  cat.map.set('MarkInfo', parse('<< /Marked true >>'));
  u.trailer('Root', `${u.add(cat)} 0 R`);
  const updated = u.finish().toString('latin1');
  const v = await verify(Buffer.from(updated, 'latin1'));
  t.is(v.verdict, 'valid', problems(v));
  t.true(v.warnings.includes('BOOKKEEPING_AFTER_SIGNING'));
  for (const [role, key] of [['catalog', 'StructTreeRoot'], ['resources', 'added'], ['trailer', 'Root'], ['page', 'Tabs']] as const) {
    t.is((await verify(Buffer.from(updated, 'latin1'), { changeTable: mutated(role, key, 'forbidden') })).verdict, 'invalid', `${role} ${key}`);
  }
});

test('a later signature by another producer (OpenSSL after @signpdf, our sealer after OpenSSL): both valid; wrong table → the first invalid', async t => {
  const twice = await openssl(await signpdf(await samplePdf()));
  const v = await verify(twice);
  t.deepEqual(v.signatures.map(s => s.verdict), ['valid', 'valid'], problems(v));
  const thrice = await sealPdf(twice, p.key(p.agency), undefined, { now: NOW });
  t.is((await verify(thrice)).verdict, 'valid');
  t.is((await verify(twice, { changeTable: mutated('annots-item', 'added:signature-widget', 'forbidden') })).signatures[0]!.verdict, 'invalid');
});

test('the catalog\'s /Names rewritten under new object numbers with the same content: valid; a JavaScript name tree added: invalid', async t => {
  const u0 = new RawUpdate(await samplePdf());
  const dests = u0.add(`<< /Names [(muc-1) [${firstPage(u0)} 0 R /Fit]] >>`);
  const cat0 = u0.dict(u0.root);
  cat0.map.set('Names', parse(`<< /Dests ${dests} 0 R >>`));
  const signed = await openssl(u0.put(u0.root, cat0).finish());
  const u = new RawUpdate(signed);
  const copy = u.add(`<< /Names [(muc-1) [${firstPage(u)} 0 R /Fit]] >>`);
  const cat = u.dict(u.root);
  cat.map.set('Names', new PdfRef(u.add(`<< /Dests ${copy} 0 R >>`), 0));
  const renumbered = u.put(u.root, cat).finish();
  t.is((await verify(renumbered)).verdict, 'valid', problems(await verify(renumbered)));
  const u2 = new RawUpdate(signed);
  const js = u2.add(`<< /Names [(x) << /S /JavaScript /JS (this.getField\\(1\\)) >>] >>`);
  const cat2 = u2.dict(u2.root);
  cat2.map.set('Names', parse(`<< /Dests ${dests} 0 R /JavaScript ${js} 0 R >>`));
  const withJs = await verify(u2.put(u2.root, cat2).finish());
  t.is(withJs.verdict, 'invalid');
  t.regex(problems(withJs), /name trees/);
});
