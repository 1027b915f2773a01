/**
 * Object-level difference analysis of one incremental update (pyHanko diff_analysis, EU DSS object
 * modification detection): every changed object must be cleared by a whitelist rule, or it is OTHER.
 * Levels are ordered none < form-filling < annotations < other (pyHanko ModificationLevel).
 */
import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue, nameOf, sameValue } from './pdf-lexer.js';

/** Modification levels after a signature. */
export type ModLevel = 'none' | 'form-filling' | 'annotations' | 'other';
/** Order of the levels. */
export const LEVEL_RANK: Record<ModLevel, number> = { none: 0, 'form-filling': 1, annotations: 2, other: 3 };

/** One classified change. */
export type Change = { object: number; level: ModLevel; what: string };

const CATALOG_FREE_KEYS = new Set(['AcroForm', 'DSS', 'Metadata']);
const ACROFORM_FREE_KEYS = new Set(['Fields', 'SigFlags', 'DA', 'DR', 'NeedAppearances']);
const FILL_KEYS = new Set(['V', 'AP', 'AS', 'I']);
const SIGN_KEYS = new Set(['V', 'AP', 'AS', 'F', 'P', 'Lock', 'SV']);

/** Facts about the revision before the update. */
type Ctx = { file: PdfFile; old: number; cur: number; catalog: number | null; info: number | null; pages: Set<number>; annotArrays: Set<number>; fieldArrays: Set<number>; acroForm: number | null; apStreams: Set<number>; warnings: Set<string> };

function dictAt(file: PdfFile, v: PdfValue | undefined, rev: number): PdfDict | null {
  try { const d = file.resolve(v, rev); return d instanceof PdfDict ? d : d instanceof PdfStream ? d.dict : null; } catch { return null; }
}

function refNum(v: PdfValue | undefined): number | null { return v instanceof PdfRef ? v.num : null; }

/** Collect page objects and their /Annots arrays (walk of /Pages, ISO 32000-1 §7.7.3). */
function context(file: PdfFile, old: number, cur: number): Ctx {
  const tr = file.revisions[old]!.trailer;
  const ctx: Ctx = { file, old, cur, catalog: refNum(tr.get('Root')), info: refNum(tr.get('Info')), pages: new Set(), annotArrays: new Set(), fieldArrays: new Set(), acroForm: null, apStreams: new Set(), warnings: new Set() };
  const root = dictAt(file, tr.get('Root'), old);
  const stack: PdfValue[] = [root?.get('Pages') ?? null];
  const seen = new Set<number>();
  while (stack.length && seen.size < 100_000) {
    const v = stack.pop()!;
    const n = refNum(v);
    if (n !== null) { if (seen.has(n)) continue; seen.add(n); }
    const d = dictAt(file, v, old);
    if (!d) continue;
    if (nameOf(d.get('Type')) === 'Page' || !d.get('Kids')) {
      if (n !== null) ctx.pages.add(n);
      const a = refNum(d.get('Annots'));
      if (a !== null) ctx.annotArrays.add(a);
    } else {
      const kids = file.resolve(d.get('Kids'), old);
      if (Array.isArray(kids)) stack.push(...kids);
    }
  }
  ctx.acroForm = refNum(root?.get('AcroForm'));
  const form = dictAt(file, root?.get('AcroForm'), old);
  const fa = refNum(form?.get('Fields'));
  if (fa !== null) ctx.fieldArrays.add(fa);
  return ctx;
}

function isSigDict(d: PdfDict): boolean {
  const t = nameOf(d.get('Type'));
  return t === 'Sig' || t === 'DocTimeStamp' || (d.get('ByteRange') !== undefined && d.get('Contents') !== undefined);
}

function fieldType(ctx: Ctx, d: PdfDict, rev: number): string | null {
  let cur: PdfDict | null = d;
  for (let i = 0; cur && i < 32; i++) {
    const ft = nameOf(cur.get('FT'));
    if (ft) return ft;
    cur = dictAt(ctx.file, cur.get('Parent'), rev);
  }
  return null;
}

function isAnnot(d: PdfDict): boolean {
  return nameOf(d.get('Type')) === 'Annot' || (d.get('Subtype') !== undefined && d.get('Rect') !== undefined);
}

function changedKeys(ctx: Ctx, a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  // A missing flag word equals 0 (ISO 32000-1 §12.7.3.1 /Ff default): pdf-lib writes `/Ff 0` when filling.
  const flags = (v: PdfValue | undefined) => (v === undefined ? 0 : v);
  return [...keys].filter(k => !(k === 'Ff' ? flags(a.get(k)) === flags(b.get(k)) : sameValue(ctx.file.buf, a.get(k), b.get(k))));
}

/** Classify an appended array element: a new signature widget is harmless, anything else is not. */
function appended(ctx: Ctx, oldArr: PdfValue | undefined, newArr: PdfValue | undefined, kind: 'annots' | 'fields'): ModLevel {
  const o = (Array.isArray(oldArr) ? oldArr : oldArr == null ? [] : null);
  const n = Array.isArray(newArr) ? newArr : null;
  if (!o || !n || n.length < o.length || !o.every((x, i) => sameValue(ctx.file.buf, x, n[i]))) return 'other';
  let level: ModLevel = 'none';
  for (const item of n.slice(o.length)) {
    const d = dictAt(ctx.file, item, ctx.cur);
    if (!d) return 'other';
    if (fieldType(ctx, d, ctx.cur) === 'Sig') { visibleSigWarning(ctx, d); continue; }
    if (kind === 'fields') return 'other';
    if (nameOf(d.get('Subtype')) === 'Widget') return 'other';
    level = 'annotations';
  }
  return level;
}

function visibleSigWarning(ctx: Ctx, d: PdfDict): void {
  const r = d.get('Rect');
  if (Array.isArray(r) && r.length === 4 && typeof r[0] === 'number' && typeof r[2] === 'number' && Math.abs((r[2] as number) - (r[0] as number)) > 0) {
    ctx.warnings.add('VISIBLE_SIGNATURE_ADDED');
  }
}

function classify(ctx: Ctx, num: number, oldV: PdfValue, newV: PdfValue): Change {
  const c = (level: ModLevel, what: string): Change => ({ object: num, level, what });
  const buf = ctx.file.buf;
  if (oldV === null) {
    if (newV instanceof PdfDict && isSigDict(newV)) return c('none', 'new signature dictionary');
    if (newV instanceof PdfDict && isAnnot(newV)) {
      if (fieldType(ctx, newV, ctx.cur) === 'Sig') return c('none', 'new signature field');
      if (nameOf(newV.get('Subtype')) === 'Widget' || newV.get('FT')) return c('other', 'new form field');
      return c('annotations', `new ${nameOf(newV.get('Subtype')) ?? ''} annotation`);
    }
    return c('none', 'new object');
  }
  if (sameValue(buf, oldV, newV)) return c('none', 'rewritten unchanged');
  if (num === ctx.info) return c('none', 'document information');
  if (oldV instanceof PdfStream && nameOf(oldV.dict.get('Type')) === 'Metadata') return c('none', 'XMP metadata');
  if (ctx.apStreams.has(num)) return c('form-filling', 'field appearance');
  if (!(oldV instanceof PdfDict) || !(newV instanceof PdfDict)) {
    if (ctx.annotArrays.has(num)) return c(appended(ctx, oldV, newV, 'annots'), 'page annotations');
    if (ctx.fieldArrays.has(num)) return c(appended(ctx, oldV, newV, 'fields'), 'form fields');
    return c('other', oldV instanceof PdfStream ? 'stream changed' : 'object changed');
  }
  const keys = changedKeys(ctx, oldV, newV);
  if (num === ctx.catalog) {
    const bad = keys.filter(k => !CATALOG_FREE_KEYS.has(k));
    if (bad.length) return c('other', `catalog /${bad.join(' /')} changed`);
    if (keys.includes('AcroForm') && ctx.acroForm === null) return acroForm(ctx, num, dictAt(ctx.file, oldV.get('AcroForm'), ctx.old), dictAt(ctx.file, newV.get('AcroForm'), ctx.cur));
    return c('none', 'catalog');
  }
  if (num === ctx.acroForm) return acroForm(ctx, num, oldV, newV);
  if (isSigDict(oldV)) return c('other', 'signature dictionary modified');
  if (ctx.pages.has(num)) {
    if (keys.some(k => k !== 'Annots')) return c('other', `page /${keys.join(' /')} changed`);
    const lv = appended(ctx, ctx.file.resolve(oldV.get('Annots'), ctx.old), ctx.file.resolve(newV.get('Annots'), ctx.cur), 'annots');
    return c(lv, 'page annotations');
  }
  if (isAnnot(oldV) && nameOf(oldV.get('Subtype')) !== 'Widget' && !oldV.get('FT')) return c('annotations', 'annotation modified');
  const ft = fieldType(ctx, oldV, ctx.old);
  if (ft === 'Sig') {
    const unsigned = oldV.get('V') === undefined && newV.get('V') !== undefined;
    return unsigned && keys.every(k => SIGN_KEYS.has(k)) ? c('none', 'signature field signed') : c('other', 'signature field modified');
  }
  if (ft) {
    if (!keys.every(k => FILL_KEYS.has(k))) return c('other', `form field /${keys.join(' /')} changed`);
    // /AP changed without /V is the shadow "replace" pattern (NDSS 2021 §4).
    if (!keys.includes('V')) return c('other', 'field appearance changed without a value');
    return c('form-filling', 'form field value');
  }
  return c('other', 'object changed');
}

function acroForm(ctx: Ctx, num: number, oldF: PdfDict | null, newF: PdfDict | null): Change {
  if (!newF) return { object: num, level: 'other', what: 'form removed' };
  const keys = oldF ? changedKeys(ctx, oldF, newF) : [...newF.map.keys()];
  const bad = keys.filter(k => !ACROFORM_FREE_KEYS.has(k));
  if (bad.length) return { object: num, level: 'other', what: `form /${bad.join(' /')} changed` };
  // /NeedAppearances makes viewers redraw every field: at least a form-filling change (shadow "replace").
  const base: ModLevel = keys.includes('NeedAppearances') && newF.get('NeedAppearances') === true ? 'form-filling' : 'none';
  if (!keys.includes('Fields')) return { object: num, level: base, what: 'form flags' };
  const lv = appended(ctx, ctx.file.resolve(oldF?.get('Fields'), ctx.old), ctx.file.resolve(newF.get('Fields'), ctx.cur), 'fields');
  return { object: num, level: maxLevel([{ level: lv }, { level: base }]), what: 'form fields' };
}

/** Classify every object written by revision `cur` against the revision `cur - 1`. */
export function diffRevision(file: PdfFile, cur: number): { changes: Change[]; warnings: string[] } {
  const ctx = context(file, cur - 1, cur);
  const rev = file.revisions[cur]!;
  const changes: Change[] = [];
  const pairs: Array<[number, PdfValue, PdfValue]> = [];
  for (const [num, e] of rev.entries) {
    if (e.type === 'f') continue;
    let oldV: PdfValue = null;
    let newV: PdfValue = null;
    try { oldV = file.object(num, cur - 1); } catch { oldV = null; }
    try { newV = file.objectAt(num, e, cur); } catch { changes.push({ object: num, level: 'other', what: 'unreadable object' }); continue; }
    if (newV instanceof PdfStream && (nameOf(newV.dict.get('Type')) === 'XRef' || nameOf(newV.dict.get('Type')) === 'ObjStm') && oldV === null) continue;
    pairs.push([num, oldV, newV]);
  }
  // Appearance streams of filled fields may change with them: collect them before classifying streams.
  for (const [, oldV, newV] of pairs) {
    if (oldV instanceof PdfDict && newV instanceof PdfDict && fieldType(ctx, oldV, ctx.old) && fieldType(ctx, oldV, ctx.old) !== 'Sig' && !sameValue(file.buf, oldV.get('V'), newV.get('V'))) {
      const ap = dictAt(file, newV.get('AP'), cur);
      for (const v of ap ? [ap.get('N'), ap.get('D')] : []) { const n = refNum(v); if (n !== null) ctx.apStreams.add(n); }
    }
  }
  for (const [num, oldV, newV] of pairs) changes.push(classify(ctx, num, oldV, newV));
  return { changes, warnings: [...ctx.warnings] };
}

/** The highest level among changes. */
export function maxLevel(changes: Array<{ level: ModLevel }>): ModLevel {
  return changes.reduce<ModLevel>((m, ch) => (LEVEL_RANK[ch.level] > LEVEL_RANK[m] ? ch.level : m), 'none');
}
