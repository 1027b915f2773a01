/**
 * A hand-written incremental update writer for tests (ISO 32000-2 §7.5.6): independent of pdf-lib,
 * it reads the file with our reader, lets a test rewrite or add objects as text, and appends one
 * update with a classic xref section. Attack fixtures need exactly this control.
 */
import { PdfFile } from '../../src/signature/pdf-file.js';
import { Lexer, PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue, textOf } from '../../src/signature/pdf-lexer.js';

/** Parse PDF syntax (a dictionary, array…) written by a test. */
export const parse = (text: string): PdfValue => new Lexer(Buffer.from(text, 'latin1')).value();

/** PDF syntax for a parsed value (streams are not serialised: write them with `stream()`). */
export function serialize(v: PdfValue | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v instanceof PdfName) return `/${v.name.replace(/[^!-~]|[#()<>[\]{}/%]/g, c => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfString) return `<${v.bytes.toString('hex')}>`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  if (v instanceof PdfDict) return `<<${[...v.map].map(([k, x]) => ` ${serialize(new PdfName(k))} ${serialize(x)}`).join('')} >>`;
  if (v instanceof PdfStream) throw new Error('serialize: write streams with stream()');
  return 'null';
}

/** A stream object body. */
export function stream(data: Buffer | string, dict = ''): string {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  return `<< ${dict} /Length ${b.length} >>\nstream\n${b.toString('latin1')}\nendstream`;
}

/** A text string as a PDF hex string (UTF-16BE with BOM when not ASCII). */
export function pdfText(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return `(${s.replace(/([()\\])/g, '\\$1')})`;
  const b = Buffer.from(s.normalize('NFC'), 'utf16le').swap16();
  return `<FEFF${b.toString('hex')}>`;
}

/** One incremental update under construction. */
export class RawUpdate {
  readonly file: PdfFile;
  private objects = new Map<number, string | PdfDict>();
  private free = new Set<number>();
  private next: number;
  private trailerExtra = new Map<string, string>();
  private repoint = new Map<number, number>();
  private repointOffset = new Map<number, number>();

  constructor(readonly pdf: Buffer) {
    this.file = new PdfFile(pdf);
    const size = this.file.trailer.get('Size');
    this.next = typeof size === 'number' ? size : 1000;
  }

  /** The catalog's object number. */
  get root(): number { return (this.file.trailer.get('Root') as PdfRef).num; }

  /** Object `num` as the file has it now. */
  obj(num: number): PdfValue { return this.file.object(num); }

  /** A copy of dictionary object `num` (or of a stream's dictionary) to edit. */
  dict(num: number): PdfDict {
    const pending = this.objects.get(num);
    if (pending instanceof PdfDict) return new PdfDict(new Map(pending.map), -1, -1);
    if (typeof pending === 'string' && pending.trimStart().startsWith('<<') && !pending.includes('stream')) return parse(pending) as PdfDict;
    const v = this.file.object(num);
    const d = v instanceof PdfStream ? v.dict : v;
    if (!(d instanceof PdfDict)) throw new Error(`object ${num} is not a dictionary`);
    return new PdfDict(new Map(d.map), -1, -1);
  }

  /** Resolve a value one level in the newest revision. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    const pending = v instanceof PdfRef ? this.objects.get(v.num) : undefined;
    if (pending instanceof PdfDict) return pending;
    if (typeof pending === 'string' && !pending.includes('stream')) return parse(pending);
    return this.file.resolve(v);
  }

  /** Decoded data of stream object `num`. */
  streamData(num: number): Buffer { return this.file.decode(this.file.object(num) as PdfStream); }

  /** Write object `num` with `body` (PDF syntax) in this update. */
  put(num: number, body: string | PdfDict): this { this.objects.set(num, body); return this; }

  /** Add a new object; returns its number. */
  add(body: string | PdfDict): number { const n = this.next++; this.put(n, body); return n; }

  /** Reserve a number for an object written later with `put`. */
  reserve(): number { return this.next++; }

  /** Mark object `num` free (deleted) in this update. */
  delete(num: number): this { this.free.add(num); return this; }

  /** Point object `num`'s xref entry at the offset of object `target` in the signed bytes (shadow "hide"). */
  pointAt(num: number, target: number): this { this.repoint.set(num, target); return this; }

  /** Point object `num`'s xref entry at byte `offset` (an older definition of the same object). */
  pointAtOffset(num: number, offset: number): this { this.repointOffset.set(num, offset); return this; }

  /** Set a trailer entry (PDF syntax). */
  trailer(key: string, value: string): this { this.trailerExtra.set(key, value); return this; }

  /** Append the update and return the new file. */
  finish(): Buffer {
    const pdf = this.pdf;
    const prev = Number(pdf.toString('latin1', pdf.lastIndexOf('startxref') + 9).trim().split(/\s+/)[0]);
    let body = pdf[pdf.length - 1] === 10 ? '' : '\n';
    const entries: Array<{ num: number; line: string }> = [];
    for (const [num, value] of this.objects) {
      const text = typeof value === 'string' ? value : serialize(value);
      const at = pdf.length + Buffer.byteLength(body, 'latin1');
      body += `${num} 0 obj\n${text}\nendobj\n`;
      entries.push({ num, line: `${String(at).padStart(10, '0')} 00000 n ` });
    }
    for (const num of this.free) entries.push({ num, line: '0000000000 00001 f ' });
    for (const [num, target] of this.repoint) {
      const e = this.file.entry(target);
      if (!e || e.entry.type !== 'n') throw new Error(`object ${target} has no offset`);
      entries.push({ num, line: `${String(e.entry.offset).padStart(10, '0')} 00000 n ` });
    }
    for (const [num, offset] of this.repointOffset) entries.push({ num, line: `${String(offset).padStart(10, '0')} 00000 n ` });
    const xrefAt = pdf.length + Buffer.byteLength(body, 'latin1');
    body += 'xref\n0 1\n0000000000 65535 f \n';
    for (const e of entries.sort((a, b) => a.num - b.num)) body += `${e.num} 1\n${e.line}\n`;
    const trailer = new Map<string, string>([['Size', String(Math.max(this.next, ...entries.map(e => e.num + 1)))], ['Root', `${this.root} 0 R`]]);
    for (const k of ['Info', 'Encrypt', 'ID']) { const v = this.file.trailer.get(k); if (v !== undefined) trailer.set(k, serialize(v)); }
    trailer.set('Prev', String(prev));
    for (const [k, v] of this.trailerExtra) trailer.set(k, v);
    body += `trailer\n<<${[...trailer].map(([k, v]) => ` /${k} ${v}`).join('')} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    return Buffer.concat([pdf, Buffer.from(body, 'latin1')]);
  }
}

/** The first page's object number (through /Pages /Kids). */
export function firstPage(u: RawUpdate): number {
  let node = u.dict(u.root).get('Pages') as PdfRef;
  for (let i = 0; i < 32; i++) {
    const d = u.dict(node.num);
    const kids = u.resolve(d.get('Kids'));
    if (!Array.isArray(kids)) return node.num;
    node = kids[0] as PdfRef;
  }
  throw new Error('page tree too deep');
}

/** Append object `ref` to the page's /Annots (direct or indirect array) in update `u`. */
export function appendAnnot(u: RawUpdate, page: number, ref: number): void {
  const d = u.dict(page);
  const annots = d.get('Annots');
  if (annots instanceof PdfRef) {
    const arr = u.resolve(annots) as PdfValue[];
    u.put(annots.num, serialize([...arr, new PdfRef(ref, 0)]));
  } else {
    d.map.set('Annots', [...(Array.isArray(annots) ? annots : []), new PdfRef(ref, 0)]);
    u.put(page, d);
  }
}

/** Append object `ref` to the catalog's /AcroForm /Fields, creating the form if needed; sets /SigFlags 3 when `sig`. */
export function appendField(u: RawUpdate, ref: number, sig: boolean): void {
  const cat = u.dict(u.root);
  const formV = cat.get('AcroForm');
  const form = formV instanceof PdfRef ? u.dict(formV.num) : formV instanceof PdfDict ? new PdfDict(new Map(formV.map), -1, -1) : new PdfDict(new Map(), -1, -1);
  const fieldsV = form.get('Fields');
  const fields = (fieldsV instanceof PdfRef ? u.resolve(fieldsV) : fieldsV) as PdfValue[] | undefined;
  const list = [...(Array.isArray(fields) ? fields : []), new PdfRef(ref, 0)];
  if (fieldsV instanceof PdfRef) u.put(fieldsV.num, serialize(list));
  else form.map.set('Fields', list);
  if (sig) form.map.set('SigFlags', 3);
  if (formV instanceof PdfRef) u.put(formV.num, form);
  else { cat.map.set('AcroForm', new PdfRef(u.add(form), 0)); u.put(u.root, cat); }
}

/** The object number of the form field (or merged field/widget) named `name`. */
export function fieldObject(u: RawUpdate, name: string): number {
  const form = u.resolve(u.dict(u.root).get('AcroForm'));
  const fields = u.resolve((form as PdfDict).get('Fields')) as PdfValue[];
  for (const f of fields) {
    const d = u.resolve(f) as PdfDict;
    if (textOf(d.get('T')) === name) return (f as PdfRef).num;
  }
  throw new Error(`no field ${name}`);
}

/** The (first) widget of field `field`: its kid, or the field itself when merged. */
export function widgetOf(u: RawUpdate, field: number): number {
  const kids = u.resolve(u.dict(field).get('Kids'));
  return Array.isArray(kids) ? (kids[0] as PdfRef).num : field;
}

/** The normal appearance stream object of a widget. */
export function appearanceOf(u: RawUpdate, widget: number): number {
  const ap = u.resolve(u.dict(widget).get('AP')) as PdfDict;
  return (ap.get('N') as PdfRef).num;
}

/** The dictionary of stream object `num` without its encoding keys, as the inside of `<< >>` (for `stream()`). */
export function streamDictText(u: RawUpdate, num: number, replace: Record<string, PdfValue> = {}): string {
  const old = u.obj(num) as PdfStream;
  const map = new Map([...old.dict.map].filter(([k]) => !['Length', 'Filter', 'DecodeParms'].includes(k)));
  for (const [k, v] of Object.entries(replace)) map.set(k, v);
  return serialize(new PdfDict(map, -1, -1)).replace(/^<<|>>$/g, '');
}

/** Give `widget` a new normal appearance with `content` (same dictionary as its current one, `replace` keys changed). */
export function replaceAppearance(u: RawUpdate, widget: number, content: string, replace: Record<string, PdfValue> = {}): number {
  const n = u.add(stream(content, streamDictText(u, appearanceOf(u, widget), replace)));
  const w = u.dict(widget);
  w.map.set('AP', parse(`<< /N ${n} 0 R >>`));
  u.put(widget, w);
  return n;
}
