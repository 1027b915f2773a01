import { readFile } from 'node:fs/promises';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import { loadAgencyKey, sealPdf, stampPdf, type AgencyKey } from '../signature/index.js';
import { stampFont } from '../io/stamp-font.js';

/**
 * Stamp and seal an outgoing PDF (docs/signatures.md §Sealing outgoing documents: the number and date are stamped *before* the agency
 * signature, NĐ 30 App. I). With an agency certificate configured: stamp + PAdES seal in one
 * incremental update; without one: the stamp only (the document then travels as the leader signed
 * it, and the receiver registers it by that signature or as a reference copy).
 */

/** The agency's key from its PKCS#12, or null when no certificate is configured. Throws KEY_UNAVAILABLE. */
export async function loadSealKey(agency: HostedAgency): Promise<AgencyKey | null> {
  if (!agency.certificate) return null;
  let p12: Buffer;
  try {
    p12 = await readFile(agency.certificate.p12File);
  } catch (cause) {
    throw new BridgeError('KEY_UNAVAILABLE', `cannot read ${agency.certificate.p12File}`, { cause });
  }
  return loadAgencyKey(p12, agency.certificatePassword ?? '');
}

/** Stamp (main document only) and seal one file; annexes get the one-line attachment stamp. */
export async function sealDocumentFile(
  pdf: Buffer,
  key: AgencyKey | null,
  stamp: { numberNotation: string; date: Date; place?: string; kind: 'document' | 'attachment' },
  reason: string,
): Promise<{ bytes: Buffer; sealed: boolean }> {
  const font = stampFont();
  if (key) return { bytes: await sealPdf(pdf, key, stamp, { now: stamp.date, reason, location: stamp.place, font }), sealed: true };
  return { bytes: await stampPdf(pdf, stamp, { font }), sealed: false };
}
