/**
 * What a widget shows, compared between two revisions without rendering (docs/signatures.md
 * §Appearance comparison). The verifier stays pure and deterministic, so it compares the appearance
 * streams structurally instead of calling a renderer: the same resolved content (deep, object
 * numbers ignored), or else the same text in the same fonts, the same non-text painting, the same
 * XObjects, box and matrix. Positions and sizes of text may differ (regeneration re-lays text out),
 * but not so that text disappears. Tests confirm these decisions against poppler's rendering.
 */
import crypto from 'node:crypto';
import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue, nameOf } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';
import { contentOps } from './content-ops.js';
import { dictAt, valueAt } from './revision-roles.js';

const MAX_NODES = 20_000;
const SKIP_KEYS = new Set(['Parent', 'P', 'Length', 'Filter', 'DecodeParms', 'StructParent', 'StructParents']);

/** A canonical digest of a value with everything it references (object numbers ignored, cycle-safe). */
export function deepHash(file: PdfFile, v: PdfValue | undefined, rev: number): string {
  let nodes = 0;
  const memo = new Map<number, string>();
  const onPath = new Set<number>();
  const walk = (x: PdfValue | undefined): string => {
    if (++nodes > MAX_NODES) throw new RangeError('appearance too large to compare');
    if (x === undefined || x === null) return 'null';
    if (x instanceof PdfRef) {
      const m = memo.get(x.num);
      if (m !== undefined) return m;
      if (onPath.has(x.num)) return 'cycle';
      onPath.add(x.num);
      const h = walk(valueAt(file, x, rev) ?? null);
      onPath.delete(x.num);
      memo.set(x.num, h);
      return h;
    }
    if (typeof x !== 'object') return JSON.stringify(x);
    if (x instanceof PdfName) return `/${x.name}`;
    if (x instanceof PdfString) return `<${x.bytes.toString('hex')}>`;
    if (Array.isArray(x)) return `[${x.map(walk).join(' ')}]`;
    if (x instanceof PdfDict) return `<<${[...x.map.keys()].filter(k => !SKIP_KEYS.has(k)).sort().map(k => `/${k} ${walk(x.map.get(k))}`).join(' ')}>>`;
    if (x instanceof PdfStream) return `${walk(x.dict)}stream:${sha(streamBytes(file, x, rev))}`;
    return '?';
  };
  return sha(Buffer.from(walk(v)));
}

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

function streamBytes(file: PdfFile, s: PdfStream, rev: number): Buffer {
  try { return file.decode(s, rev); } catch (e) { rethrowLimit(e); return file.buf.subarray(s.dataStart, s.dataEnd); }
}

/** The normal appearance a widget shows in `rev`: /AP /N, or its /AS state (ISO 32000-2 §12.5.5). */
export function shownAppearance(file: PdfFile, widget: PdfDict, rev: number): PdfStream | null {
  const ap = dictAt(file, widget.get('AP'), rev);
  const n = valueAt(file, ap?.get('N'), rev);
  if (n instanceof PdfStream) return n;
  if (n instanceof PdfDict) {
    const st = nameOf(widget.get('AS'));
    const s = st ? valueAt(file, n.get(st), rev) : undefined;
    return s instanceof PdfStream ? s : null;
  }
  return null;
}

/** A summary of what an appearance stream paints. */
type Painted = { box: string; text: string[]; graphics: string[]; minSize: number };

const round = (v: PdfValue): string => (typeof v === 'number' ? (Math.round(v * 100) / 100).toString() : v instanceof PdfName ? `/${v.name}` : '·');
const TEXT_LAYOUT = new Set(['BT', 'ET', 'Td', 'TD', 'Tm', 'T*', 'TL', 'Tc', 'Tw', 'Tz', 'Ts', 'BMC', 'BDC', 'EMC', 'MP', 'DP']);

function painted(file: PdfFile, s: PdfStream, rev: number): Painted {
  const res = dictAt(file, s.dict.get('Resources'), rev);
  const resHash = (cat: string, name: PdfValue | undefined) => deepHash(file, dictAt(file, res?.get(cat), rev)?.get(nameOf(name) ?? ''), rev);
  const out: Painted = { box: `${round2(s.dict.get('BBox'))}|${round2(s.dict.get('Matrix'))}`, text: [], graphics: [], minSize: Infinity };
  let font = 'none';
  let size = 12;
  for (const { op, args } of contentOps(streamBytes(file, s, rev), file.budget)) {
    if (op === 'Tf') { font = resHash('Font', args[0]); size = typeof args[1] === 'number' ? Math.abs(args[1]) : 0; continue; }
    if (op === 'Tj' || op === "'" || op === '"' || op === 'TJ') {
      const last = args[args.length - 1];
      const parts = Array.isArray(last) ? last : [last];
      const bytes = Buffer.concat(parts.filter((p): p is PdfString => p instanceof PdfString).map(p => p.bytes));
      if (bytes.length) { out.text.push(`${font}:${bytes.toString('hex')}`); out.minSize = Math.min(out.minSize, size); }
      continue;
    }
    if (TEXT_LAYOUT.has(op)) continue;
    if (op === 'Do') { out.graphics.push(`Do ${resHash('XObject', args[0])}`); continue; }
    if (op === 'gs') { out.graphics.push(`gs ${resHash('ExtGState', args[0])}`); continue; }
    if (op === 'sh') { out.graphics.push(`sh ${resHash('Shading', args[0])}`); continue; }
    out.graphics.push(`${op} ${args.map(round).join(' ')}`);
  }
  return out;
}

function round2(v: PdfValue | undefined): string {
  return Array.isArray(v) ? v.map(round).join(' ') : 'default';
}

/**
 * Whether `widget` shows the same in revision `cur` as `oldWidget` did in `old`. `why` says what
 * differs (for the report).
 */
export function sameAppearance(file: PdfFile, oldWidget: PdfDict, old: number, newWidget: PdfDict, cur: number): { same: boolean; why: string } {
  try {
    const a = shownAppearance(file, oldWidget, old);
    const b = shownAppearance(file, newWidget, cur);
    if (!a || !b) return a === b ? { same: true, why: 'no appearance before or after' } : { same: false, why: a ? 'appearance removed' : 'appearance added' };
    if (deepHash(file, a, old) === deepHash(file, b, cur)) return { same: true, why: 'identical appearance' };
    const pa = painted(file, a, old);
    const pb = painted(file, b, cur);
    if (pa.box !== pb.box) return { same: false, why: 'appearance box or matrix changed' };
    if (pa.text.join('\n') !== pb.text.join('\n')) return { same: false, why: 'appearance shows other text or fonts' };
    if (pa.graphics.join('\n') !== pb.graphics.join('\n')) return { same: false, why: 'appearance paints other graphics' };
    if (pb.minSize < Math.min(pa.minSize, 4)) return { same: false, why: 'appearance shrinks its text' };
    return { same: true, why: 'same text and graphics, laid out anew' };
  } catch (e) {
    rethrowLimit(e);
    return { same: false, why: `appearance not comparable: ${(e as Error).message}` };
  }
}
