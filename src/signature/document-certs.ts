/**
 * Every certificate and CRL the document carries, for building signer and TSA chains
 * (EN 319 102-1 §5.2.6 "certificates from any source"): the CMS certificates and CRLs of every
 * signature and of every timestamp token in them, and the /DSS /Certs and /CRLs with each VRI
 * (ETSI EN 319 142-1 §5.4.2).
 */
import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfStream, type PdfValue } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';
import { parseSignedData } from './cms-parse.js';
import { certsOf, timestampTokens } from './cms-verify.js';
import { parseCert, type Cert } from './cert.js';
import { parseCrl, type Crl } from './crl.js';
import { readDer } from './der.js';
import { dictAt, valueAt } from './revision-roles.js';
import type { SigField } from './byte-range.js';
import { PdfString } from './pdf-lexer.js';

/** Certificates and CRLs found in the document. */
export type DocumentMaterial = { certs: Cert[]; crls: Crl[] };

const MAX_ITEMS = 2000;

/** Gather the material; unreadable pieces are skipped (each signature reports its own problems). */
export function documentMaterial(file: PdfFile, fields: SigField[]): DocumentMaterial {
  const certs = new Map<string, Cert>();
  const crls: Crl[] = [];
  const addCert = (c: Cert) => { if (certs.size < MAX_ITEMS) certs.set(c.fingerprint256, c); };
  const addCrl = (der: Buffer) => { if (crls.length < MAX_ITEMS) try { crls.push(parseCrl(der)); } catch { /* not a CRL */ } };
  for (const f of fields) {
    const contents = f.dict.get('Contents');
    if (!(contents instanceof PdfString)) continue;
    try {
      const cms = contents.bytes.subarray(0, readDer(contents.bytes).end);
      const sd = parseSignedData(cms);
      certsOf(sd).forEach(addCert);
      sd.crls.forEach(addCrl);
      for (const si of sd.signerInfos) {
        for (const token of timestampTokens(si)) {
          try { const ts = parseSignedData(token); certsOf(ts).forEach(addCert); ts.crls.forEach(addCrl); } catch { /* unreadable token */ }
        }
      }
    } catch { /* not CMS: reported by the signature's own check */ }
  }
  for (const s of dssStreams(file, 'Certs')) { try { addCert(parseCert(s)); } catch { /* not a certificate */ } }
  for (const s of dssStreams(file, 'CRLs')) addCrl(s);
  return { certs: [...certs.values()], crls };
}

/** Decoded streams of /DSS /<key> and of /<key without s> in each VRI dictionary. */
function dssStreams(file: PdfFile, key: 'Certs' | 'CRLs'): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<PdfValue>();
  const take = (list: PdfValue | undefined) => {
    if (!Array.isArray(list)) return;
    for (const v of list.slice(0, MAX_ITEMS)) {
      const s = valueAt(file, v, file.revisions.length - 1);
      if (!(s instanceof PdfStream) || seen.has(s)) continue;
      seen.add(s);
      try { out.push(file.decode(s)); } catch (e) { rethrowLimit(e); }
    }
  };
  const root = dictAt(file, file.trailer.get('Root'), file.revisions.length - 1);
  const dss = dictAt(file, root?.get('DSS'), file.revisions.length - 1);
  if (!dss) return out;
  take(valueAt(file, dss.get(key), file.revisions.length - 1));
  const vri = dictAt(file, dss.get('VRI'), file.revisions.length - 1);
  for (const entry of vri?.map.values() ?? []) {
    const e = valueAt(file, entry, file.revisions.length - 1);
    if (e instanceof PdfDict) take(valueAt(file, e.get(key === 'Certs' ? 'Cert' : 'CRL'), file.revisions.length - 1));
  }
  return out;
}
