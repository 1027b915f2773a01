/**
 * The role of every object of a signed revision, found by walking it from the catalog: pages, their
 * annotation arrays, annotations and widgets with their appearance streams, form fields (with their
 * qualified names), signature dictionaries, the DSS, the structure tree, name trees. An object keeps
 * the role it had when signed, whatever the update writes into it (a page relabelled /Type /Sig is
 * still a page). Also lists the references the signed revision made to objects it did not define.
 */
import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue, nameOf, textOf } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';
import type { Role } from './change-table.js';

/** An object's role, the widget whose appearance it is, and the form field it belongs to. */
export type RoleInfo = { role: Role; owner?: number; field?: string };

/** Roles of one revision. */
export type Roles = {
  rev: number;
  map: Map<number, RoleInfo>;
  catalog: number | null;
  /** Widget object → its field's qualified name; field object → its name. */
  fieldOf: Map<number, string>;
  /** Object numbers the revision references without defining them. */
  dangling: Set<number>;
};

const MAX_OBJECTS = 500_000;

/** Resolve to a dictionary (a stream's dictionary too), or null; malformed objects are null. */
export function dictAt(file: PdfFile, v: PdfValue | undefined, rev: number): PdfDict | null {
  try { const d = file.resolve(v, rev); return d instanceof PdfDict ? d : d instanceof PdfStream ? d.dict : null; } catch (e) { rethrowLimit(e); return null; }
}

/** Resolve one level, null on malformed objects. */
export function valueAt(file: PdfFile, v: PdfValue | undefined, rev: number): PdfValue | undefined {
  try { return file.resolve(v, rev); } catch (e) { rethrowLimit(e); return null; }
}

/** The number of a reference, or null. */
export const refNum = (v: PdfValue | undefined): number | null => (v instanceof PdfRef ? v.num : null);

/** Field type, inherited through /Parent (ISO 32000-2 §12.7.4.1), cycle-safe. */
export function fieldType(file: PdfFile, d: PdfDict, rev: number): string | null {
  let cur: PdfDict | null = d;
  for (let i = 0; cur && i < 32; i++) {
    const ft = nameOf(cur.get('FT'));
    if (ft) return ft;
    cur = dictAt(file, cur.get('Parent'), rev);
  }
  return null;
}

/** Compute the roles of revision `rev`. */
export function revisionRoles(file: PdfFile, rev: number): Roles {
  const tr = file.revisions[rev]!.trailer;
  const out: Roles = { rev, map: new Map(), catalog: refNum(tr.get('Root')), fieldOf: new Map(), dangling: new Set() };
  const set = (v: PdfValue | undefined, info: RoleInfo) => { const n = refNum(v); if (n !== null && !out.map.has(n)) out.map.set(n, info); };
  set(tr.get('Root'), { role: 'catalog' });
  set(tr.get('Info'), { role: 'info' });
  const root = dictAt(file, tr.get('Root'), rev);
  if (root) {
    set(root.get('Metadata'), { role: 'metadata' });
    // What is shown first: pages, annotations, fields; then everything they draw is protected ('other'),
    // so that no bookkeeping tree (DSS, structure, names) can claim a content stream or a font.
    markPages(file, rev, root.get('Pages'), out);
    markForm(file, rev, root.get('AcroForm'), out);
    const perms = dictAt(file, root.get('Perms'), rev);
    const docMdp = refNum(perms?.get('DocMDP'));
    if (docMdp !== null) out.map.set(docMdp, { role: 'sig-dict' });
    protectShown(file, rev, root.get('Pages'), out);
    claim(file, rev, root.get('DSS'), 'dss', out);
    claim(file, rev, root.get('Extensions'), 'extensions', out);
    set(root.get('Names'), { role: 'names' });
    claim(file, rev, dictAt(file, root.get('Names'), rev)?.get('Dests'), 'dests', out);
    claim(file, rev, root.get('StructTreeRoot'), 'struct', out, new Set(['P', 'Pg', 'Obj', 'Stm', 'StmOwn']), true);
  }
  out.dangling = danglingRefs(file, rev);
  return out;
}

/**
 * Give `role` to the unclaimed indirect objects reachable from `v`, without passing through objects
 * that already have a role. `skip`: keys not followed; `noStreams`: streams are left unclaimed.
 */
function claim(file: PdfFile, rev: number, v: PdfValue | undefined, role: Role, out: Roles, skip = new Set<string>(), noStreams = false): void {
  const seen = new Set<number>();
  const stack: Array<PdfValue | undefined> = [v];
  while (stack.length && seen.size < MAX_OBJECTS) {
    const x = stack.pop();
    const n = refNum(x);
    if (n !== null) {
      if (seen.has(n)) continue;
      seen.add(n);
      const had = out.map.get(n);
      if (had && had.role !== role) continue;
    }
    const r = valueAt(file, x, rev);
    if (n !== null && !out.map.has(n) && !(noStreams && r instanceof PdfStream)) out.map.set(n, { role });
    if (Array.isArray(r)) stack.push(...r);
    else if (r instanceof PdfDict) { for (const [k, val] of r.map) if (!skip.has(k)) stack.push(val); }
    else if (r instanceof PdfStream && !noStreams) stack.push(...r.dict.map.values());
  }
}

/** Everything the pages draw (contents, resources, appearance resources) that has no role yet becomes 'other'. */
function protectShown(file: PdfFile, rev: number, pagesRef: PdfValue | undefined, out: Roles): void {
  const seen = new Set<number>();
  const stack: Array<PdfValue | undefined> = [pagesRef];
  while (stack.length && seen.size < MAX_OBJECTS) {
    const x = stack.pop();
    const n = refNum(x);
    if (n !== null) { if (seen.has(n)) continue; seen.add(n); if (!out.map.has(n)) out.map.set(n, { role: 'other' }); }
    const r = valueAt(file, x, rev);
    const d = r instanceof PdfStream ? r.dict : r;
    if (Array.isArray(d)) stack.push(...d);
    else if (d instanceof PdfDict) for (const [k, val] of d.map) if (k !== 'Parent' && k !== 'P' && k !== 'V') stack.push(val);
  }
}

/** Pages, their /Annots and /Resources, and every annotation with its appearance streams. */
function markPages(file: PdfFile, rev: number, pagesRef: PdfValue | undefined, out: Roles): void {
  const seen = new Set<number>();
  const stack: Array<PdfValue | undefined> = [pagesRef];
  while (stack.length && seen.size < MAX_OBJECTS) {
    const v = stack.pop();
    const n = refNum(v);
    if (n !== null) { if (seen.has(n)) continue; seen.add(n); }
    const d = dictAt(file, v, rev);
    if (!d) continue;
    const kids = valueAt(file, d.get('Kids'), rev);
    if (nameOf(d.get('Type')) !== 'Page' && Array.isArray(kids)) { stack.push(...kids); continue; }
    if (n !== null) out.map.set(n, { role: 'page' });
    const annotsRef = d.get('Annots');
    if (refNum(annotsRef) !== null) out.map.set(refNum(annotsRef)!, { role: 'annots-array' });
    markResources(file, rev, d.get('Resources'), out);
    const annots = valueAt(file, annotsRef, rev);
    if (Array.isArray(annots)) for (const a of annots) markAnnotation(file, rev, a, out);
  }
}

function markResources(file: PdfFile, rev: number, v: PdfValue | undefined, out: Roles): void {
  const n = refNum(v);
  if (n !== null && !out.map.has(n)) out.map.set(n, { role: 'resources' });
  const d = dictAt(file, v, rev);
  for (const sub of d?.map.values() ?? []) {
    const s = refNum(sub);
    if (s !== null && !out.map.has(s) && valueAt(file, sub, rev) instanceof PdfDict) out.map.set(s, { role: 'resources' });
  }
}

function markAnnotation(file: PdfFile, rev: number, a: PdfValue, out: Roles): void {
  const n = refNum(a);
  const d = dictAt(file, a, rev);
  if (n === null || !d || out.map.has(n)) return;
  const widget = nameOf(d.get('Subtype')) === 'Widget';
  const ft = widget || d.get('FT') ? fieldType(file, d, rev) : null;
  const role: Role = !widget && !ft ? 'annotation' : ft === 'Sig' ? 'sig-field' : 'field';
  out.map.set(n, { role });
  markAppearance(file, rev, d, n, role, out);
}

/** The /AP dictionary, its N/D/R entries and their state streams belong to annotation `owner`. */
function markAppearance(file: PdfFile, rev: number, d: PdfDict, owner: number, role: Role, out: Roles): void {
  const apRole: Role = role === 'annotation' ? 'annotation-appearance' : role === 'sig-field' ? 'sig-field' : 'widget-appearance';
  const mark = (v: PdfValue | undefined) => { const m = refNum(v); if (m !== null && !out.map.has(m)) out.map.set(m, { role: apRole, owner }); };
  const ap = d.get('AP');
  mark(ap);
  const apd = dictAt(file, ap, rev);
  for (const k of ['N', 'D', 'R']) {
    const e = apd?.get(k);
    mark(e);
    const states = valueAt(file, e, rev);
    if (states instanceof PdfDict) for (const st of states.map.values()) mark(st);
  }
}

/** AcroForm, /Fields, every field (qualified names, ISO 32000-2 §12.7.4.2) and signature dictionaries. */
function markForm(file: PdfFile, rev: number, formRef: PdfValue | undefined, out: Roles): void {
  const form = dictAt(file, formRef, rev);
  if (refNum(formRef) !== null) out.map.set(refNum(formRef)!, { role: 'acroform' });
  if (!form) return;
  const fieldsRef = form.get('Fields');
  if (refNum(fieldsRef) !== null) out.map.set(refNum(fieldsRef)!, { role: 'fields-array' });
  markResources(file, rev, form.get('DR'), out);
  const seen = new Set<number>();
  const walk = (v: PdfValue, prefix: string, depth: number): void => {
    const n = refNum(v);
    if (n !== null) { if (seen.has(n) || seen.size > MAX_OBJECTS) return; seen.add(n); }
    const d = dictAt(file, v, rev);
    if (!d || depth > 64) return;
    const t = textOf(d.get('T'));
    const name = t === null ? prefix : prefix ? `${prefix}.${t}` : t;
    const ft = fieldType(file, d, rev);
    const role: Role = ft === 'Sig' ? 'sig-field' : 'field';
    if (n !== null) {
      out.fieldOf.set(n, name);
      out.map.set(n, { role, field: name });
      markAppearance(file, rev, d, n, role, out);
    }
    if (ft === 'Sig') { const s = refNum(d.get('V')); if (s !== null) out.map.set(s, { role: 'sig-dict' }); }
    const kids = valueAt(file, d.get('Kids'), rev);
    if (Array.isArray(kids)) for (const k of kids) walk(k, name, depth + 1);
  };
  const fields = valueAt(file, fieldsRef, rev);
  if (Array.isArray(fields)) for (const f of fields) walk(f, '', 0);
}

/** References anywhere in the revision (reachable from the trailer) to objects it does not define. */
function danglingRefs(file: PdfFile, rev: number): Set<number> {
  const out = new Set<number>();
  const seen = new Set<number>();
  const tr = file.revisions[rev]!.trailer;
  const stack: PdfValue[] = [tr.get('Root') ?? null, tr.get('Info') ?? null];
  while (stack.length && seen.size < MAX_OBJECTS) {
    const x = stack.pop()!;
    if (x instanceof PdfRef) {
      if (seen.has(x.num)) continue;
      seen.add(x.num);
      let r: PdfValue;
      try { r = file.object(x.num, rev); } catch (e) { rethrowLimit(e); continue; }
      if (r === null) { out.add(x.num); continue; }
      stack.push(r);
    } else if (Array.isArray(x)) stack.push(...x);
    else if (x instanceof PdfDict) stack.push(...x.map.values());
    else if (x instanceof PdfStream) stack.push(...x.dict.map.values());
  }
  return out;
}
