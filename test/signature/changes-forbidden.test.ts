/**
 * Every attack class on files signed by independent producers: shadow hide, replace and
 * hide-and-replace (NDSS 2021), incremental saving with a changed page (CCS 2019), and an object
 * the signed revision referred to but lacked. Each is invalid; poppler's rendering shows the page
 * changed while pdfsig still calls the signature valid; and with the table row that catches it
 * turned to an allowed class, the attack would pass: the row is what decides.
 */
import test from 'ava';
import { pki, NOW } from '../helpers/pki.js';
import { addContentIncrementally, signedRevision } from '../helpers/pki-pdf.js';
import { signWithOpenssl, signWithSignpdf } from '../helpers/producers.js';
import { RawUpdate, firstPage, fieldObject, widgetOf, appearanceOf, replaceAppearance, stream, serialize, streamDictText, parse } from '../helpers/raw-pdf.js';
import { shadowPdf, stackedFormPdf, type Shadow } from '../helpers/shadow.js';
import { looksSame, pdfsig } from '../helpers/render.js';
import { sealPdf, verifyPdf } from '../../src/signature/index.js';
import { CHANGE_TABLE, type ChangeClass, type ChangeRule, type Role } from '../../src/signature/change-table.js';
import { PdfRef, PdfDict, type PdfValue } from '../../src/signature/pdf-lexer.js';

const p = pki();
const verify = (pdf: Buffer, changeTable?: ChangeRule[]) => verifyPdf(pdf, p.trustAll, { now: NOW, changeTable });
/** The table with rows replaced (a deliberately wrong entry lets the attack through). */
const mutated = (rows: Array<[Role, string]>, cls: ChangeClass = 'none'): ChangeRule[] => [...rows.map(([role, key]) => ({ role, key, cls, why: 'mutated', clause: '-' })), ...CHANGE_TABLE];

const PRODUCERS: Array<[string, (pdf: Buffer) => Promise<Buffer>]> = [
  ['OpenSSL', pdf => signWithOpenssl(pdf, p.agency, [p.inter], { now: NOW, cades: true })],
  ['@signpdf', pdf => signWithSignpdf(pdf, p.ascii, [], NOW)],
  ['our sealer', pdf => sealPdf(pdf, p.key(p.agency), undefined, { now: NOW })],
];

/** An attack: the update it appends, and the table rows that catch it. */
type Attack = { name: string; rows: Array<[Role, string]>; cls?: ChangeClass; poppler?: 'fooled' | 'not-fooled'; apply: (signed: Buffer, s: Shadow) => Promise<Buffer> | Buffer };

const pageEdit = (signed: Buffer, edit: (page: PdfDict, u: RawUpdate) => void): Buffer => {
  const u = new RawUpdate(signed);
  const num = firstPage(u);
  const page = u.dict(num);
  edit(page, u);
  u.put(num, page);
  return u.finish();
};

const PAGE_ATTACKS: Attack[] = [
  { name: 'shadow hide via page: the page rewritten without the overlay stream', rows: [['page', 'Contents']],
    apply: (pdf, s) => pageEdit(pdf, page => page.map.set('Contents', (page.get('Contents') as PdfValue[]).filter(r => !(r instanceof PdfRef && r.num === s.overlay)))) },
  { name: 'shadow hide via referencing: the overlay\'s xref entry re-pointed at its older, empty definition in the signed bytes', rows: [['xref', '*'], ['other', '*']],
    apply: (pdf, s) => new RawUpdate(pdf).pointAtOffset(s.overlay, s.emptyOverlayAt).finish() },
  { name: 'shadow hide via redefinition: the overlay stream redefined empty', rows: [['other', '*']],
    apply: (pdf, s) => new RawUpdate(pdf).put(s.overlay, stream('')).finish() },
  // poppler ignores a free entry for an object the page still uses and draws the older definition.
  { name: 'shadow hide: the overlay object deleted (freed)', rows: [['deleted', 'other'], ['deleted', '*']], poppler: 'not-fooled',
    apply: (pdf, s) => new RawUpdate(pdf).delete(s.overlay).finish() },
  { name: 'shadow replace via overwrite: the font redefined with another encoding', rows: [['other', '*']],
    apply: (pdf, s) => { const u = new RawUpdate(pdf); const f = u.dict(s.font); f.map.set('Encoding', new PdfDict(new Map<string, PdfValue>([['Differences', [75, ...'CO'.split('').map(() => null)].map(x => (x === null ? 0 : x))]]), -1, -1)); return u.put(s.font, serialize(f).replace(/\/Differences \[[^\]]*\]/, '/Differences [75 /C /O /N /G]')).finish(); } },
  { name: 'shadow hide-and-replace: a new catalog swapped in, pointing at the hidden page tree', rows: [['catalog', 'Pages']],
    apply: (pdf, s) => { const u = new RawUpdate(pdf); const cat = u.dict(u.root); cat.map.set('Pages', new PdfRef(s.hiddenPages, 0)); const n = u.add(cat); return u.trailer('Root', `${n} 0 R`).finish(); } },
  { name: 'shadow hide-and-replace: the catalog\'s /Pages re-pointed at the hidden page tree', rows: [['catalog', 'Pages']],
    apply: (pdf, s) => { const u = new RawUpdate(pdf); const cat = u.dict(u.root); cat.map.set('Pages', new PdfRef(s.hiddenPages, 0)); return u.put(u.root, cat).finish(); } },
  { name: 'incremental saving attack: page content added with pdf-lib', rows: [['page', 'Contents']],
    apply: pdf => addContentIncrementally(pdf, 'SO TIEN: 9.000.000') },
  { name: 'an object the signed page referred to but lacked, defined after signing', rows: [['new', 'fills-dangling-reference']],
    apply: (pdf, s) => new RawUpdate(pdf).put(s.dangling, stream('0 0 1 rg 0 0 1 1 re f', '/Type /XObject /Subtype /Form /BBox [0 0 1 1]')).finish() },
];

const shadow = shadowPdf();
for (const [producer, sign] of PRODUCERS) {
  const signedP = shadow.then(s => sign(s.pdf));
  for (const attack of PAGE_ATTACKS) {
    test(`${producer}: ${attack.name} → invalid; the rendering changes, pdfsig does not see it; wrong table → passes`, async t => {
      const s = await shadow;
      const signed = await signedP;
      t.is((await verify(signed)).verdict, 'valid');
      const attacked = await attack.apply(signed, s);
      const v = await verify(attacked);
      t.is(v.verdict, 'invalid', JSON.stringify(v.signatures.map(x => x.modifications)));
      t.is(v.signatures[0]!.modification, 'other');
      t.is(looksSame(signedRevision(attacked), attacked), attack.poppler === 'not-fooled', 'whether the attack changes what poppler shows');
      t.regex(pdfsig(attacked), /Not total document signed[\s\S]*Signature is Valid/);
      const wrong = await verify(attacked, mutated(attack.rows, attack.cls));
      t.is(wrong.verdict, 'valid', JSON.stringify(wrong.signatures.map(x => x.problems)));
    });
  }
}

/** Form attacks (on a document with two stacked fields, the attacker's under the one the signer saw). */
const FORM_ATTACKS: Attack[] = [
  { name: 'shadow hide (form over form, variant 1): the covering widget freed and taken off the page', rows: [['deleted', 'field'], ['annots-item', 'removed:widget']],
    apply: pdf => { const u = new RawUpdate(pdf); const w = widgetOf(u, fieldObject(u, 'y_kien')); const n = firstPage(u); const page = u.dict(n); page.map.set('Annots', (u.resolve(page.get('Annots')) as PdfRef[]).filter(r => r.num !== w)); return u.put(n, page).delete(w).finish(); } },
  { name: 'shadow hide (form over form, variant 2): both widgets rewritten with the same values, the hidden one restacked on top', rows: [['annots-item', 'reordered:widget']],
    apply: pdf => { const u = new RawUpdate(pdf); const a = widgetOf(u, fieldObject(u, 'y_kien_an')); const o = widgetOf(u, fieldObject(u, 'y_kien')); u.put(a, u.dict(a)).put(o, u.dict(o)); const n = firstPage(u); const page = u.dict(n); const annots = u.resolve(page.get('Annots')) as PdfRef[]; page.map.set('Annots', [...annots.filter(r => r.num !== a), new PdfRef(a, 0)]); return u.put(n, page).finish(); } },
  { name: 'shadow hide: the covering widget flagged hidden', rows: [['field', 'F']],
    apply: pdf => { const u = new RawUpdate(pdf); const o = widgetOf(u, fieldObject(u, 'y_kien')); const d = u.dict(o); d.map.set('F', 2); return u.put(o, d).finish(); } },
  { name: 'shadow hide: the covering widget\'s appearance emptied, value unchanged', rows: [['field', 'changed-appearance']],
    apply: pdf => { const u = new RawUpdate(pdf); replaceAppearance(u, widgetOf(u, fieldObject(u, 'y_kien')), ''); return u.finish(); } },
  { name: 'shadow replace via overlay: the visible field shows another text, value unchanged', rows: [['field', 'changed-appearance']],
    apply: pdf => { const u = new RawUpdate(pdf); const o = widgetOf(u, fieldObject(u, 'y_kien')); replaceAppearance(u, o, u.streamData(appearanceOf(u, o)).toString('latin1').replace(/<[0-9A-F]+> Tj/, '<4B484F4E4720444F4E472059> Tj')); return u.finish(); } },
  { name: 'shadow replace: the field appearance stream redefined in place with another text', rows: [['widget-appearance', '*']],
    apply: pdf => { const u = new RawUpdate(pdf); const o = widgetOf(u, fieldObject(u, 'y_kien')); const ap = appearanceOf(u, o); return u.put(ap, stream(u.streamData(ap).toString('latin1').replace(/<[0-9A-F]+> Tj/, '<4B484F4E4720444F4E472059> Tj'), streamDictText(u, ap))).finish(); } },
  { name: 'shadow replace: a "regenerated" appearance in a new embedded font, value unchanged', rows: [['field', 'changed-appearance']],
    apply: pdf => { const u = new RawUpdate(pdf); const o = widgetOf(u, fieldObject(u, 'y_kien')); const f = u.add('<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>'); replaceAppearance(u, o, 'q 1 1 1 rg 0 0 260 24 re f Q BT /Fc 14 Tf 2 6 Td (DONG Y) Tj ET', { Resources: parse(`<< /Font << /Fc ${f} 0 R >> >>`) }); return u.finish(); } },
];

const stacked = stackedFormPdf();
for (const [producer, sign] of PRODUCERS.filter(([n]) => n !== '@signpdf')) {
  const signedP = stacked.then(sign);
  for (const attack of FORM_ATTACKS) {
    test(`${producer}: ${attack.name} → invalid; the rendering changes; wrong table → passes`, async t => {
      const signed = await signedP;
      t.is((await verify(signed)).verdict, 'valid');
      const attacked = await attack.apply(signed, await shadow);
      const v = await verify(attacked);
      t.is(v.verdict, 'invalid', JSON.stringify(v.signatures.map(x => x.modifications)));
      t.false(looksSame(signedRevision(attacked), attacked), 'the attack changes what poppler shows');
      const wrong = await verify(attacked, mutated(attack.rows, attack.cls));
      t.is(wrong.verdict, 'valid', JSON.stringify(wrong.signatures.map(x => x.problems)));
    });
  }
}

test('shadow hide (form over form, variant 3): a widget the signed page did not show is put back on top, the signed widgets rewritten with the same values → invalid; wrong table → passes', async t => {
  // Before signing: the attacker's widget stays in the form but is taken off the page.
  const u0 = new RawUpdate(await stackedFormPdf());
  const hidden = widgetOf(u0, fieldObject(u0, 'y_kien_an'));
  const pageNum = firstPage(u0);
  const page0 = u0.dict(pageNum);
  page0.map.set('Annots', (u0.resolve(page0.get('Annots')) as PdfRef[]).filter(r => r.num !== hidden));
  const signed = await sealPdf(u0.put(pageNum, page0).finish(), p.key(p.agency), undefined, { now: NOW });
  t.is((await verify(signed)).verdict, 'valid');
  const u = new RawUpdate(signed);
  const shown = widgetOf(u, fieldObject(u, 'y_kien'));
  u.put(shown, u.dict(shown)).put(hidden, u.dict(hidden));
  const page = u.dict(firstPage(u));
  page.map.set('Annots', [...(u.resolve(page.get('Annots')) as PdfRef[]), new PdfRef(hidden, 0)]);
  const attacked = u.put(firstPage(u), page).finish();
  const v = await verify(attacked);
  t.is(v.verdict, 'invalid');
  t.regex(JSON.stringify(v.signatures[0]!.problems), /form field widget added/);
  t.false(looksSame(signedRevision(attacked), attacked));
  t.is((await verify(attacked, mutated([['annots-item', 'added:widget']]))).verdict, 'valid');
});

test('a visible signature widget added after a certification P=2 signature (sneaky signature surface) is reported', async t => {
  const certified = await sealPdf((await shadow).pdf, p.key(p.leader), undefined, { now: NOW, certify: 2 });
  const later = await signWithOpenssl(certified, p.agency, [p.inter], { now: NOW, rect: [55, 640, 375, 670] });
  const v = await verify(later);
  t.true(v.warnings.includes('VISIBLE_SIGNATURE_ADDED'));
});
