/**
 * Object-level analysis of one incremental update (pyHanko diff_analysis, EU DSS object modification
 * detection): every object the update writes is judged by the role it had in the signed revision
 * (revision-roles.ts), key by key, through THE decision table (change-table.ts). Anything no row
 * clears is forbidden.
 */
import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue, nameOf, sameValue } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';
import { CLASS_LEVEL, lookup, type ChangeClass, type ChangeRule, type ModLevel, type Role } from './change-table.js';
import { dictAt, valueAt, refNum, fieldType, type Roles } from './revision-roles.js';
import { sameAppearance, deepHash } from './appearance.js';
import { auditRevision } from './xref-audit.js';

/** One classified change of an update. */
export type Change = { object: number; level: ModLevel; class: ChangeClass; what: string; field?: string };

/** The analysis of one update. */
export type UpdateDiff = { changes: Change[]; warnings: string[] };

const SIGN_KEYS = new Set(['V', 'AP', 'AS', 'F', 'P', 'Lock', 'SV', 'DA', 'MK']);
const TRAILER_IGNORED = new Set(['Prev', 'Size', 'XRefStm', 'Type', 'W', 'Index', 'Length', 'Filter', 'DecodeParms']);

/** State of one update's analysis. */
type Ctx = { file: PdfFile; old: number; cur: number; roles: Roles; table: ChangeRule[]; out: Change[]; warnings: Set<string>; filled: Set<string> };

function record(c: Ctx, object: number, role: Role, key: string, detail = '', field?: string): void {
  const rule = lookup(c.table, role, key);
  if (rule.cls === 'none') return;
  c.out.push({ object, level: CLASS_LEVEL[rule.cls], class: rule.cls, what: `${rule.why}${detail ? ` (${detail})` : ''}`, ...(field ? { field } : {}) });
}

/** Keys whose values differ; a missing flag word equals 0 (ISO 32000-2 §12.7.4.1 /Ff default). */
function changedKeys(c: Ctx, a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  const flags = (v: PdfValue | undefined) => (v === undefined ? 0 : v);
  return [...keys].filter(k => !(k === 'Ff' ? flags(a.get(k)) === flags(b.get(k)) : sameValue(c.file.buf, a.get(k), b.get(k))));
}

const isSigDict = (d: PdfDict): boolean => {
  const t = nameOf(d.get('Type'));
  return t === 'Sig' || t === 'DocTimeStamp' || (d.get('ByteRange') !== undefined && d.get('Contents') !== undefined);
};
const isTimestampDict = (d: PdfDict | null): boolean => !!d && (nameOf(d.get('Type')) === 'DocTimeStamp' || nameOf(d.get('SubFilter')) === 'ETSI.RFC3161');
const isWidget = (d: PdfDict): boolean => nameOf(d.get('Subtype')) === 'Widget' || d.get('FT') !== undefined;

/** Classify every object written by revision `cur` against revision `cur - 1` with `roles` of `cur - 1`. */
export function diffRevision(file: PdfFile, cur: number, roles: Roles, table: ChangeRule[]): UpdateDiff {
  const c: Ctx = { file, old: cur - 1, cur, roles, table, out: [], warnings: new Set(), filled: new Set() };
  for (const f of auditRevision(file, cur)) record(c, f.object ?? -1, 'xref', '*', f.why);
  const pairs: Array<[number, PdfValue, PdfValue]> = [];
  for (const [num, e] of file.revisions[cur]!.entries) {
    let oldV: PdfValue = null;
    try { oldV = file.object(num, cur - 1); } catch (err) { rethrowLimit(err); record(c, num, 'other', '*', 'unreadable in the signed revision'); continue; }
    if (e.type === 'f') {
      if (oldV !== null && num !== 0) record(c, num, 'deleted', roles.map.get(num)?.role ?? 'other');
      continue;
    }
    let newV: PdfValue;
    try { newV = file.objectAt(num, e, cur); } catch (err) { rethrowLimit(err); record(c, num, 'xref', '*', `object ${num} unreadable`); continue; }
    if (oldV === null && newV instanceof PdfStream && ['XRef', 'ObjStm'].includes(nameOf(newV.dict.get('Type')) ?? '')) continue;
    pairs.push([num, oldV, newV]);
  }
  // Fields whose value this update changes: their widgets' appearances may change with them.
  for (const [num, oldV, newV] of pairs) {
    const info = roles.map.get(num);
    if (info?.role === 'field' && oldV instanceof PdfDict && newV instanceof PdfDict && !sameValue(file.buf, oldV.get('V'), newV.get('V'))) c.filled.add(info.field ?? `#${num}`);
  }
  for (const [num, oldV, newV] of pairs) judgeObject(c, num, oldV, newV);
  judgeTrailer(c);
  return { changes: c.out, warnings: [...c.warnings] };
}

function judgeObject(c: Ctx, num: number, oldV: PdfValue, newV: PdfValue): void {
  if (oldV === null) {
    const d = newV instanceof PdfDict ? newV : null;
    if (d && isSigDict(d)) return record(c, num, 'new', isTimestampDict(d) ? 'timestamp-dict' : 'signature-dict');
    return record(c, num, 'new', c.roles.dangling.has(num) ? 'fills-dangling-reference' : '*');
  }
  if (sameValue(c.file.buf, oldV, newV)) return;
  const info = c.roles.map.get(num);
  const role = info?.role ?? 'other';
  const a = oldV instanceof PdfDict ? oldV : null;
  const b = newV instanceof PdfDict ? newV : null;
  switch (role) {
    case 'catalog': if (a && b) return judgeDict(c, num, 'catalog', a, b); break;
    case 'acroform': if (a && b) return judgeDict(c, num, 'acroform', a, b); break;
    case 'page': if (a && b) return judgeDict(c, num, 'page', a, b); break;
    case 'names': if (a && b) return judgeDict(c, num, 'names', a, b); break;
    case 'field': if (a && b) return judgeField(c, num, a, b, info?.field); break;
    case 'sig-field': if (a && b) return judgeSigField(c, num, a, b); break;
    case 'resources': if (a && b) return judgeResources(c, num, a, b); break;
    case 'annots-array': return judgeAnnots(c, num, oldV, newV);
    case 'fields-array': return judgeFields(c, num, oldV, newV);
    case 'widget-appearance': return judgeWidgetAppearance(c, num, info?.owner);
    default: return record(c, num, role, '*');
  }
  record(c, num, role, '*', 'object type changed');
}

function judgeDict(c: Ctx, num: number, role: Role, a: PdfDict, b: PdfDict): void {
  for (const key of changedKeys(c, a, b)) {
    const av = valueAt(c.file, a.get(key), c.old);
    const bv = valueAt(c.file, b.get(key), c.cur);
    const ad = av instanceof PdfDict ? av : null;
    const bd = bv instanceof PdfDict ? bv : null;
    if (role === 'catalog' && key === 'AcroForm' && bd && !c.roles.map.has(refNum(b.get(key)) ?? -1)) judgeDict(c, num, 'acroform', ad ?? new PdfDict(new Map(), -1, -1), bd);
    else if (role === 'catalog' && key === 'Names' && ad && bd) judgeDict(c, num, 'names', ad, bd);
    else if (role === 'acroform' && key === 'Fields') judgeFields(c, num, av ?? null, bv ?? null);
    else if ((role === 'acroform' && key === 'DR') || (role === 'page' && key === 'Resources')) judgeResources(c, num, ad ?? new PdfDict(new Map(), -1, -1), bd ?? new PdfDict(new Map(), -1, -1));
    else if (role === 'page' && key === 'Annots') judgeAnnots(c, num, av ?? null, bv ?? null);
    else if (role === 'acroform' && key === 'NeedAppearances' && b.get(key) !== true) continue;
    // Rewritten under other object numbers with the same content (tools that renumber): not a change.
    else if (sameDeep(c, a.get(key), b.get(key))) continue;
    else record(c, num, role, key, `/${key}`);
  }
}

/** A form field or widget: its value, or an appearance that must show the same (shadow "replace"). */
function judgeField(c: Ctx, num: number, a: PdfDict, b: PdfDict, field: string | undefined): void {
  const name = field ?? `#${num}`;
  const keys = changedKeys(c, a, b);
  const filled = c.filled.has(name) || c.filled.has(parentName(name));
  let appearanceJudged = false;
  for (const key of keys) {
    if (key === 'AP' || key === 'AS') {
      if (filled) { record(c, num, 'field', key, `/${key}`, name); continue; }
      if (appearanceJudged) continue;
      appearanceJudged = true;
      const same = sameAppearance(c.file, a, c.old, b, c.cur);
      record(c, num, 'field', same.same ? 'same-appearance' : 'changed-appearance', same.why, name);
    } else record(c, num, 'field', key, `/${key}`, name);
  }
}

const parentName = (n: string): string => (n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : n);

function judgeSigField(c: Ctx, num: number, a: PdfDict, b: PdfDict): void {
  const keys = changedKeys(c, a, b);
  const signedNow = a.get('V') === undefined && b.get('V') !== undefined && keys.every(k => SIGN_KEYS.has(k));
  if (signedNow) return record(c, num, 'sig-field', 'signed-now');
  record(c, num, 'sig-field', '*', keys.map(k => `/${k}`).join(' '));
}

/** An appearance stream rewritten: fine with its field's new value, or when it shows the same. */
function judgeWidgetAppearance(c: Ctx, num: number, owner: number | undefined): void {
  const field = owner !== undefined ? c.roles.fieldOf.get(owner) ?? `#${owner}` : undefined;
  if (field && (c.filled.has(field) || c.filled.has(parentName(field)))) return record(c, num, 'widget-appearance', 'filled', '', field);
  const a = owner !== undefined ? dictAt(c.file, refOf(owner), c.old) : null;
  const b = owner !== undefined ? dictAt(c.file, refOf(owner), c.cur) : null;
  if (!a || !b) return record(c, num, 'widget-appearance', '*', 'widget not found');
  const same = sameAppearance(c.file, a, c.old, b, c.cur);
  record(c, num, 'widget-appearance', same.same ? 'same-appearance' : '*', same.why, field);
}

const refOf = (num: number): PdfValue => new PdfRef(num, 0);

/** Resources: names may be added (unused by the signed content); used ones may not change. */
function judgeResources(c: Ctx, num: number, a: PdfDict, b: PdfDict): void {
  for (const key of changedKeys(c, a, b)) {
    const av = valueAt(c.file, a.get(key), c.old);
    const bv = valueAt(c.file, b.get(key), c.cur);
    if (av === undefined && bv !== undefined) { record(c, num, 'resources', 'added', `/${key}`); continue; }
    if (av instanceof PdfDict && bv instanceof PdfDict) {
      judgeResources(c, num, av, bv);
      continue;
    }
    if (key === 'ProcSet') continue;
    record(c, num, 'resources', '*', `/${key}`);
  }
}

/** Whether two values resolve to the same content (deep, object numbers ignored); false when too large to tell. */
function sameDeep(c: Ctx, a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try { return deepHash(c.file, a, c.old) === deepHash(c.file, b, c.cur); } catch (e) { rethrowLimit(e); return false; }
}

/** Identity of an array item: the object it refers to, or its content. */
const itemKey = (v: PdfValue): string => (refNum(v) !== null ? `r${refNum(v)}` : 'direct');

/** Page /Annots: items added, removed or restacked, each judged by what it is. */
function judgeAnnots(c: Ctx, num: number, oldArr: PdfValue | undefined, newArr: PdfValue | undefined): void {
  const o = Array.isArray(oldArr) ? oldArr : [];
  const n = Array.isArray(newArr) ? newArr : [];
  if ((oldArr != null && !Array.isArray(oldArr)) || (newArr != null && !Array.isArray(newArr))) return record(c, num, 'annots-item', '*', '/Annots is not an array');
  const oKeys = o.map(itemKey);
  const nKeys = n.map(itemKey);
  const kind = (v: PdfValue, rev: number): 'widget' | 'annotation' | 'unreadable' => {
    const d = dictAt(c.file, v, rev);
    return !d ? 'unreadable' : isWidget(d) ? 'widget' : 'annotation';
  };
  for (const [i, v] of o.entries()) if (!nKeys.includes(oKeys[i]!) || oKeys[i] === 'direct' && !n.some(x => sameValue(c.file.buf, x, v))) record(c, num, 'annots-item', `removed:${kind(v, c.old)}`);
  for (const [i, v] of n.entries()) {
    if (oKeys.includes(nKeys[i]!) && nKeys[i] !== 'direct') continue;
    if (nKeys[i] === 'direct' && o.some(x => sameValue(c.file.buf, x, v))) continue;
    record(c, num, 'annots-item', `added:${addedKind(c, v)}`);
  }
  const keptOld = oKeys.filter(k => k !== 'direct' && nKeys.includes(k));
  const keptNew = nKeys.filter(k => k !== 'direct' && oKeys.includes(k));
  if (keptOld.join() !== keptNew.join()) {
    const moved = keptOld.filter((k, i) => keptNew[i] !== k);
    const widget = moved.some(k => kind(o[oKeys.indexOf(k)]!, c.old) === 'widget');
    record(c, num, 'annots-item', widget ? 'reordered:widget' : 'reordered:annotation');
  }
}

function addedKind(c: Ctx, v: PdfValue): string {
  const d = dictAt(c.file, v, c.cur);
  if (!d) return 'unreadable';
  if (!isWidget(d)) return 'annotation';
  const existed = refNum(v) !== null && c.roles.map.has(refNum(v)!);
  if (existed || fieldType(c.file, d, c.cur) !== 'Sig') return 'widget';
  const r = d.get('Rect');
  if (Array.isArray(r) && r.length === 4 && typeof r[0] === 'number' && typeof r[2] === 'number' && Math.abs(r[2] - r[0]) > 0) c.warnings.add('VISIBLE_SIGNATURE_ADDED');
  return isTimestampDict(dictAt(c.file, d.get('V'), c.cur)) ? 'timestamp-widget' : 'signature-widget';
}

/** AcroForm /Fields: only new signature (or document timestamp) fields may be appended. */
function judgeFields(c: Ctx, num: number, oldArr: PdfValue | undefined, newArr: PdfValue | undefined): void {
  const o = Array.isArray(oldArr) ? oldArr : [];
  const n = Array.isArray(newArr) ? newArr : [];
  if ((oldArr != null && !Array.isArray(oldArr)) || !Array.isArray(newArr)) return record(c, num, 'fields-item', '*', '/Fields is not an array');
  if (n.length < o.length || !o.every((x, i) => sameValue(c.file.buf, x, n[i]))) return record(c, num, 'fields-item', '*', 'fields removed or reordered');
  for (const v of n.slice(o.length)) {
    const d = dictAt(c.file, v, c.cur);
    const existed = refNum(v) !== null && c.roles.map.has(refNum(v)!);
    if (!d || existed || fieldType(c.file, d, c.cur) !== 'Sig') { record(c, num, 'fields-item', '*', 'form field added'); continue; }
    record(c, num, 'fields-item', isTimestampDict(dictAt(c.file, d.get('V'), c.cur)) ? 'added:timestamp-field' : 'added:signature-field');
  }
  record(c, num, 'fields-array', '*');
}

/** The trailer: /Root may point at a rewritten catalog (compared key by key), /Encrypt may not change. */
function judgeTrailer(c: Ctx): void {
  const a = c.file.revisions[c.old]!.trailer;
  const b = c.file.revisions[c.cur]!.trailer;
  for (const key of changedKeys(c, a, b)) {
    if (TRAILER_IGNORED.has(key)) continue;
    record(c, -1, 'trailer', key, `/${key}`);
    if (key !== 'Root') continue;
    const oldCat = dictAt(c.file, a.get('Root'), c.old);
    const newCat = dictAt(c.file, b.get('Root'), c.cur);
    if (!oldCat || !newCat) record(c, -1, 'catalog', '*', 'catalog unreadable');
    else judgeDict(c, refNum(b.get('Root')) ?? -1, 'catalog', oldCat, newCat);
  }
}

/** The highest level among changes. */
export function maxLevel(changes: Array<{ level: ModLevel }>, rank: Record<ModLevel, number>): ModLevel {
  return changes.reduce<ModLevel>((m, ch) => (rank[ch.level] > rank[m] ? ch.level : m), 'none');
}
