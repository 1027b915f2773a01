/**
 * Signature discovery and the strict ByteRange checks (ISO 32000-1 §12.8.1; the USF/SWA attacks of
 * Mladenov et al., CCS 2019): starts at 0, one hole holding exactly this dictionary's hex /Contents,
 * ends at a %%EOF.
 */
import { readDer } from './der.js';
import { PdfFile } from './pdf-file.js';
import { PdfDict, PdfRef, PdfString, type PdfValue, nameOf, textOf } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';

/** A signature field with its value dictionary. */
export type SigField = { name: string; dict: PdfDict; ref: PdfRef | null; widget: PdfDict };

const MAX_FIELDS = 10_000;

/** Walk /AcroForm /Fields (and /Kids), inheriting /FT (ISO 32000-1 §12.7.3.1), for signed /Sig fields. */
export function findSignatureFields(file: PdfFile): SigField[] {
  const out: SigField[] = [];
  const at = (v: PdfValue | undefined): PdfValue | undefined => { try { return file.resolve(v); } catch (e) { rethrowLimit(e); return undefined; } };
  const root = at(file.trailer.get('Root'));
  if (!(root instanceof PdfDict)) return out;
  const form = at(root.get('AcroForm'));
  if (!(form instanceof PdfDict)) return out;
  const seen = new Set<number>();
  let budget = MAX_FIELDS;
  const walk = (v: PdfValue | undefined, ft: string | null, prefix: string, depth: number): void => {
    if (budget-- <= 0 || depth > 64) return;
    if (v instanceof PdfRef) { if (seen.has(v.num)) return; seen.add(v.num); }
    const d = at(v);
    if (!(d instanceof PdfDict)) return;
    const myFt = nameOf(d.get('FT')) ?? ft;
    const t = textOf(d.get('T'));
    const name = t === null ? prefix : prefix ? `${prefix}.${t}` : t;
    const kids = at(d.get('Kids'));
    if (Array.isArray(kids) && kids.some(k => { const kd = at(k); return kd instanceof PdfDict && kd.get('T') !== undefined; })) {
      for (const k of kids) walk(k, myFt, name, depth + 1);
      return;
    }
    if (myFt !== 'Sig') return;
    const vRef = d.get('V');
    const sig = at(vRef);
    if (sig instanceof PdfDict) out.push({ name, dict: sig, ref: vRef instanceof PdfRef ? vRef : null, widget: d });
  };
  const fields = at(form.get('Fields'));
  if (Array.isArray(fields)) for (const f of fields) walk(f, null, '', 0);
  return out;
}

/** Count `/ByteRange` keys in the raw bytes (more than fields found → orphaned signature dictionaries). */
export function countRawByteRanges(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf('/ByteRange'); i >= 0; i = buf.indexOf('/ByteRange', i + 10)) n++;
  return n;
}

/** Whether the dictionary is a document timestamp (ISO 32000-2 §12.8.5). */
export function isDocumentTimestamp(sig: PdfDict): boolean {
  return nameOf(sig.get('SubFilter')) === 'ETSI.RFC3161' || nameOf(sig.get('Type')) === 'DocTimeStamp';
}

/** Result of the ByteRange checks. */
export type RangeCheck =
  | { ok: true; range: [number, number, number, number]; cms: Buffer; signedEnd: number; entireFile: boolean; trailingData: boolean }
  | { ok: false; problem: string; range: number[] | null };

/** Check a signature dictionary's /ByteRange and /Contents against the file bytes. */
export function checkByteRange(buf: Buffer, sig: PdfDict): RangeCheck {
  const br = sig.get('ByteRange');
  const contents = sig.get('Contents');
  if (!Array.isArray(br) || br.length !== 4 || !br.every(x => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    return { ok: false, problem: 'ByteRange is not four non-negative integers', range: null };
  }
  const [a, b, c, d] = br as [number, number, number, number];
  const fail = (problem: string): RangeCheck => ({ ok: false, problem, range: [a, b, c, d] });
  if (a !== 0) return fail('ByteRange does not start at 0');
  if (!(b > 0 && b < c && c + d <= buf.length)) return fail('ByteRange out of bounds');
  if (!(contents instanceof PdfString) || !contents.hex) return fail('/Contents is not a hex string');
  // The hole must be exactly this dictionary's /Contents token: `<hex>` and nothing else.
  if (contents.start !== b || contents.end !== c) return fail('the ByteRange hole is not this signature\'s /Contents');
  if (buf[b] !== 0x3c || buf[c - 1] !== 0x3e) return fail('the hole is not a hex string');
  const hex = buf.toString('latin1', b + 1, c - 1);
  if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) return fail('the hole holds non-hex data');
  const tail = buf.toString('latin1', Math.max(0, c + d - 8), c + d);
  if (!/%%EOF(\r\n|\r|\n)?$/.test(tail)) return fail('the signed bytes do not end at %%EOF');
  // Strip the zero padding by the outer DER length. Non-zero bytes after it are outside the signed
  // ranges and outside the CMS: reported (CONTENTS_TRAILING_DATA), not a reason to refuse.
  const bytes = contents.bytes;
  let len: number;
  try { len = readDer(bytes).end; } catch { return fail('/Contents is not DER'); }
  let trailingData = false;
  for (let i = len; i < bytes.length && !trailingData; i++) if (bytes[i] !== 0) trailingData = true;
  return { ok: true, range: [a, b, c, d], cms: bytes.subarray(0, len), signedEnd: c + d, entireFile: c + d === buf.length, trailingData };
}
