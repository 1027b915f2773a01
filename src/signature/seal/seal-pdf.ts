/**
 * Sealing outgoing documents (docs/signatures.md §Sealing outgoing documents): stamp number and date, then a PAdES B-B (or B-T with a TSA)
 * signature with the agency key, appended as an incremental update (ISO 32000-1 §7.5.6) with
 * @cantoo/pdf-lib so earlier signatures stay valid.
 */
import { PDFDocument } from '@cantoo/pdf-lib';
import { BridgeError } from '../../errors.js';
import { hashRanges } from '../algorithms.js';
import { OID } from '../oids.js';
import type { AgencyKey } from './agency-key.js';
import { buildSignedData, schemeFor, attribute } from './cms-build.js';
import { addPlaceholder, fixByteRange } from './placeholder.js';
import { addStamp, type StampSpec } from './stamp.js';

export type { StampSpec };

/** A timestamp authority: returns a TimeStampToken (DER ContentInfo) over the signature value (RFC 3161). */
export type TsaClient = (signatureValue: Buffer) => Promise<Buffer>;

/** Options of sealPdf. */
export type SealOptions = {
  /** Signing time, written to /M and the signingTime attribute (the caller's clock: signature/ reads none). */
  now: Date;
  reason?: string;
  location?: string;
  /** Adds a signature timestamp (PAdES B-T). */
  tsa?: TsaClient;
  /** 'sha256' (default), 'sha384', 'sha512'. */
  hash?: string;
  /** RSA-PSS instead of PKCS#1 v1.5 for RSA keys. */
  pss?: boolean;
  /** Bytes reserved for the CMS (default 16 KiB, enough for a chain of 4 and a timestamp). */
  reserve?: number;
  /** Bytes of a TTF with Vietnamese glyphs, needed when a stamp is drawn (`src/io/stamp-font.ts` reads DejaVu Sans). */
  font?: Buffer;
  /** Make a certification signature with DocMDP permission P (1 no changes, 2 form filling, 3 also annotations). */
  certify?: 1 | 2 | 3;
  /** Write the signed attributes out of DER order (interoperability tests of verifiers only). */
  unsortedAttributes?: boolean;
};

function needFont(font: Buffer | undefined): Buffer {
  if (!font) throw new BridgeError('SIGNING_FAILED', 'a stamp needs the bytes of a Unicode font (opts.font)');
  return font;
}

/** Add only the stamp, as an incremental update (the clerk's step between two signatures). */
export async function stampPdf(pdf: Buffer, stamp: StampSpec, opts: Pick<SealOptions, 'font'> = {}): Promise<Buffer> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  } catch (cause) {
    throw new BridgeError('PDF_UNREADABLE', 'cannot open the PDF to stamp it', { cause });
  }
  await addStamp(doc, stamp, needFont(opts.font));
  return Buffer.from(await doc.commit({ useObjectStreams: false }));
}

/** Stamp (if given) and sign `pdf` incrementally; returns the new file. Throws BridgeError SIGNING_FAILED. */
export async function sealPdf(pdf: Buffer, key: AgencyKey, stamp: StampSpec | undefined, opts: SealOptions): Promise<Buffer> {
  const now = opts.now;
  const hash = opts.hash ?? 'sha256';
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  } catch (cause) {
    throw new BridgeError('PDF_UNREADABLE', 'cannot open the PDF to seal it', { cause });
  }
  if (stamp) await addStamp(doc, stamp, needFont(opts.font));
  const reserve = opts.reserve ?? 16384;
  addPlaceholder(doc, {
    subFilter: 'ETSI.CAdES.detached', signingTime: now, contentsBytes: reserve,
    reason: opts.reason, location: opts.location, certify: opts.certify, name: key.subject.match(/CN=([^,]+)/)?.[1],
  });
  let out: Buffer;
  try {
    out = Buffer.from(await doc.commit({ useObjectStreams: false }));
  } catch (cause) {
    throw new BridgeError('SIGNING_FAILED', `cannot write the incremental update: ${(cause as Error).message}`, { cause });
  }
  const { byteRange, holeStart, holeEnd } = fixByteRange(out, pdf.length);
  const digest = hashRanges(hash, out, [[0, byteRange[1]], [byteRange[2], byteRange[3]]]);
  const cms = await buildSignedData(
    { hash, contentDigest: digest, signerCert: key.certificate, chain: key.chain, scheme: schemeFor(key.privateKey, hash, opts.pss), signingTime: now, unsortedAttrs: opts.unsortedAttributes },
    opts.tsa ? async sig => [attribute(OID.signatureTimeStampToken, await opts.tsa!(sig))] : undefined,
  );
  const hex = cms.toString('hex');
  if (hex.length > holeEnd - holeStart - 2) throw new BridgeError('SIGNING_FAILED', `CMS of ${cms.length} bytes does not fit the ${reserve}-byte placeholder`);
  out.write(hex, holeStart + 1, 'latin1');
  return out;
}

/**
 * Append an RFC 3161 document timestamp (ISO 32000-2 §12.8.5, PAdES B-LTA building block): a /DocTimeStamp
 * dictionary with SubFilter ETSI.RFC3161 whose /Contents is a token over the signed ranges.
 */
export async function timestampPdf(pdf: Buffer, tsa: TsaClient, opts: { now: Date; reserve?: number }): Promise<Buffer> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  } catch (cause) {
    throw new BridgeError('PDF_UNREADABLE', 'cannot open the PDF to timestamp it', { cause });
  }
  addPlaceholder(doc, { subFilter: 'ETSI.RFC3161', signingTime: opts.now, contentsBytes: opts.reserve ?? 12288 });
  const out = Buffer.from(await doc.commit({ useObjectStreams: false }));
  const { byteRange, holeStart, holeEnd } = fixByteRange(out, pdf.length);
  const token = await tsa(Buffer.concat([out.subarray(0, byteRange[1]), out.subarray(byteRange[2])]));
  const hex = token.toString('hex');
  if (hex.length > holeEnd - holeStart - 2) throw new BridgeError('SIGNING_FAILED', 'timestamp token does not fit the placeholder');
  out.write(hex, holeStart + 1, 'latin1');
  return out;
}

/** Seal each separate attachment with the Decree 30 attachment line (number and ISO 8601 time). */
export async function sealAttachments(pdfs: Buffer[], key: AgencyKey, numberNotation: string, opts: SealOptions): Promise<Buffer[]> {
  const date = opts.now;
  const out: Buffer[] = [];
  for (const p of pdfs) out.push(await sealPdf(p, key, { numberNotation, date, kind: 'attachment' }, { ...opts, now: date }));
  return out;
}
