/** Facts read from a signature dictionary and its field: dates, DocMDP, FieldMDP locks, archived CRLs. */
import { PdfDict, PdfName, type PdfValue, nameOf, textOf } from './pdf-lexer.js';
import { attr, type SignerInfo } from './cms-parse.js';
import { raw } from './der.js';
import type { Cert } from './cert.js';
import type { CertInfo } from './types.js';

const ADBE_REVOCATION = '1.2.840.113583.1.1.8';

/** Parse a PDF date `D:YYYYMMDDHHmmSSOHH'mm` (ISO 32000-1 §7.9.4). */
export function pdfDate(s: string | null): Date | null {
  const m = s?.match(/^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?/);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', z, oh = '00', om = '00'] = m;
  const utc = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +se);
  const off = (z === '+' ? 1 : z === '-' ? -1 : 0) * (+oh * 60 + +om) * 60_000;
  const t = new Date(utc - off);
  return isNaN(t.getTime()) ? null : t;
}

/** A certificate as reported. */
export function certInfo(c: Cert): CertInfo {
  return { subject: c.subject, issuer: c.issuer, serial: c.serial.toString('hex'), notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), sha256: c.fingerprint256 };
}

/** CRLs in Adobe's revocationInfoArchival signed attribute (ISO 32000-1 §12.8.3.3.2), as iText-based signers embed them. */
export function archivedCrls(si: SignerInfo): Buffer[] {
  const v = attr(si.attrs, ADBE_REVOCATION).values[0];
  const crlN = v?.children.find(c => c.tag === 0xa0);
  return (crlN?.children[0]?.children ?? []).map(raw);
}

/** DocMDP permission P from a signature's /Reference (ISO 32000-2 §12.8.2.2; default 2). */
export function docMdpOf(ref: PdfValue | undefined): 1 | 2 | 3 | null {
  if (!Array.isArray(ref)) return null;
  for (const r of ref) {
    if (!(r instanceof PdfDict) || nameOf(r.get('TransformMethod')) !== 'DocMDP') continue;
    const tp = r.get('TransformParams');
    const pv = tp instanceof PdfDict ? tp.get('P') : undefined;
    return pv === 1 || pv === 3 ? pv : 2;
  }
  return null;
}

/** Fields a signature locks: FieldMDP in /Reference (ISO 32000-2 §12.8.2.4) or the field's /Lock (§12.7.5.5). */
export type FieldLock = { action: 'All' | 'Include' | 'Exclude'; fields: string[] };

/** The FieldMDP locks of a signature (its /Reference and its field's /Lock dictionary). */
export function fieldLocks(sig: PdfDict, lock: PdfValue | undefined): FieldLock[] {
  const out: FieldLock[] = [];
  const read = (d: PdfValue | undefined) => {
    if (!(d instanceof PdfDict)) return;
    const action = nameOf(d.get('Action'));
    if (action !== 'All' && action !== 'Include' && action !== 'Exclude') return;
    const f = d.get('Fields');
    out.push({ action, fields: Array.isArray(f) ? f.map(x => textOf(x) ?? (x instanceof PdfName ? x.name : '')).filter(Boolean) : [] });
  };
  const ref = sig.get('Reference');
  if (Array.isArray(ref)) for (const r of ref) if (r instanceof PdfDict && nameOf(r.get('TransformMethod')) === 'FieldMDP') read(r.get('TransformParams'));
  read(lock);
  return out;
}

/** Whether `field` (a fully qualified name) is locked; a lock on a parent locks its kids. */
export function isLocked(locks: FieldLock[], field: string): boolean {
  const named = (list: string[]) => list.some(f => field === f || field.startsWith(`${f}.`));
  return locks.some(l => l.action === 'All' || (l.action === 'Include' ? named(l.fields) : !named(l.fields)));
}
