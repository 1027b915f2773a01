import { readFile } from 'node:fs/promises';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import type { AgencyKey, TsaClient } from '../signature/index.js';

/**
 * Stamp and seal an outgoing PDF (docs/signatures.md §Sealing outgoing documents: the number and
 * date are stamped *before* the agency signature, NĐ 30 App. I). With an agency certificate
 * configured: stamp + PAdES seal in one incremental update; without one: the stamp only (the
 * document then travels as the leader signed it, and the receiver registers it by that signature
 * or as a reference copy).
 */
export type Stamp = { numberNotation: string; date: Date; place?: string; kind: 'document' | 'attachment' };

/** The sealing service the composition root builds (app.ts): the only way outgoing code reaches signature/. */
export type Sealer = {
  /** The agency's key from its PKCS#12, or null when no certificate is configured. Throws KEY_UNAVAILABLE. */
  key(agency: HostedAgency): Promise<AgencyKey | null>;
  /** Stamp (main document: number and date; annex: the one-line attachment stamp) and seal one file. */
  seal(pdf: Buffer, key: AgencyKey | null, stamp: Stamp, reason: string): Promise<{ bytes: Buffer; sealed: boolean }>;
};

/**
 * The sealer over signature/, which does no I/O: its I/O comes in here from the composition root.
 * `io.font` gives the bytes of the stamp's Unicode font (src/io/stamp-font.ts reads them, on the
 * first stamp); `io.tsa`, when given, timestamps each seal (PAdES B-T: src/io/tsa-client.ts over
 * the fetch port). The signing time is the stamp's date: the clock's time when the document was
 * numbered (kept as `signed_at`, so a seal finished after a crash carries the same time).
 */
export function documentSealer(io: { font: () => Buffer; tsa?: TsaClient }): Sealer {
  // The signature module (and its PDF libraries) loads on the first seal: commands that seal nothing start fast.
  let signature: Promise<typeof import('../signature/index.js')> | undefined;
  const lib = () => (signature ??= import('../signature/index.js'));
  return {
    async key(agency) {
      if (!agency.certificate) return null;
      let p12: Buffer;
      try {
        p12 = await readFile(agency.certificate.p12File);
      } catch (cause) {
        throw new BridgeError('KEY_UNAVAILABLE', `cannot read ${agency.certificate.p12File}`, { cause });
      }
      return (await lib()).loadAgencyKey(p12, agency.certificatePassword ?? '');
    },
    async seal(pdf, key, stamp, reason) {
      const { sealPdf, stampPdf } = await lib();
      const font = io.font();
      if (key) return { bytes: await sealPdf(pdf, key, stamp, { now: stamp.date, reason, location: stamp.place, font, tsa: io.tsa }), sealed: true };
      return { bytes: await stampPdf(pdf, stamp, { font }), sealed: false };
    },
  };
}
