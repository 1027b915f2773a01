/**
 * The signature placeholder (ISO 32000-1 §12.8.1): a /Sig dictionary written verbatim (so it can never
 * land in an object stream) with a fixed-width /ByteRange and a zero-filled /Contents hole, and an
 * invisible signature widget added to the first page and to /AcroForm /Fields.
 */
import { PDFDocument, PDFName, PDFArray, PDFDict, PDFHexString, PDFInvalidObject, PDFNumber, PDFRef, PDFString } from '@cantoo/pdf-lib';
import { BridgeError } from '../../errors.js';
import { appendAnnot } from './stamp.js';

/** Fixed-width placeholder, overwritten in place once offsets are known (same trick as @signpdf). */
export const BYTE_RANGE_MARK = '/ByteRange [0 /********** /********** /**********]';

/** PDF date string with the Vietnam offset: D:YYYYMMDDHHmmSS+07'00' (ISO 32000-1 §7.9.4). */
export function pdfDateVn(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `D:${t}+07'00'`;
}

/** Hex text string (UTF-16BE with BOM) for names and reasons in Vietnamese. */
function hexText(s: string): string {
  return PDFHexString.fromText(s.normalize('NFC')).toString();
}

/** Options for the signature dictionary. */
export type PlaceholderSpec = { subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached' | 'ETSI.RFC3161'; signingTime: Date; reason?: string; name?: string; location?: string; contentsBytes: number; certify?: 1 | 2 | 3 };

/** Add the /Sig dictionary and its widget field; call before `commit()`. */
export function addPlaceholder(doc: PDFDocument, spec: PlaceholderSpec): void {
  const ctx = doc.context;
  const lines = [
    '<<', spec.subFilter === 'ETSI.RFC3161' ? '/Type /DocTimeStamp' : '/Type /Sig', '/Filter /Adobe.PPKLite', `/SubFilter /${spec.subFilter}`, BYTE_RANGE_MARK,
    `/Contents <${'0'.repeat(spec.contentsBytes * 2)}>`, `/M (${pdfDateVn(spec.signingTime)})`,
    ...(spec.reason ? [`/Reason ${hexText(spec.reason)}`] : []),
    ...(spec.name ? [`/Name ${hexText(spec.name)}`] : []),
    ...(spec.location ? [`/Location ${hexText(spec.location)}`] : []),
    // Certification signature (ISO 32000-1 §12.8.2.2): DocMDP with the permitted changes P.
    ...(spec.certify ? [`/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${spec.certify} /V /1.2 >> >>]`] : []),
    '>>',
  ];
  const sigRef = ctx.register(PDFInvalidObject.of(Buffer.from(lines.join('\n'), 'latin1')));
  const page = doc.getPage(0);
  const catalog = doc.catalog;
  if (spec.certify) catalog.set(PDFName.of('Perms'), ctx.obj({ DocMDP: sigRef }));
  const acroRaw = catalog.get(PDFName.of('AcroForm'));
  let acro = acroRaw instanceof PDFRef ? ctx.lookup(acroRaw) : acroRaw;
  if (!(acro instanceof PDFDict)) {
    acro = ctx.obj({ Fields: [] }) as PDFDict;
    catalog.set(PDFName.of('AcroForm'), ctx.register(acro));
  }
  const form = acro as PDFDict;
  const fieldsRaw = form.get(PDFName.of('Fields'));
  let fields = fieldsRaw instanceof PDFRef ? ctx.lookup(fieldsRaw) : fieldsRaw;
  if (!(fields instanceof PDFArray)) { fields = ctx.obj([]) as PDFArray; form.set(PDFName.of('Fields'), fields); }
  const n = (fields as PDFArray).size() + 1;
  const widget = ctx.obj({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', Rect: [0, 0, 0, 0], F: 132, P: page.ref,
    T: PDFString.of(`Signature${n}-${spec.signingTime.getTime()}`), V: sigRef,
  });
  const widgetRef = ctx.register(widget);
  (fields as PDFArray).push(widgetRef);
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  if (fieldsRaw instanceof PDFRef) ctx.snapshot?.markRefForSave(fieldsRaw);
  if (acroRaw instanceof PDFRef) ctx.snapshot?.markRefForSave(acroRaw);
  ctx.snapshot?.markRefForSave(ctx.trailerInfo.Root as PDFRef);
  appendAnnot(doc, page, widgetRef);
}

/** Find the placeholder written after `from`, fill in the ByteRange, and return the hole. */
export function fixByteRange(pdf: Buffer, from: number): { byteRange: [number, number, number, number]; holeStart: number; holeEnd: number } {
  const mark = pdf.indexOf(BYTE_RANGE_MARK, from, 'latin1');
  if (mark < 0) throw new BridgeError('SIGNING_FAILED', 'signature placeholder not found after saving');
  const holeStart = pdf.indexOf('/Contents <', mark, 'latin1') + '/Contents '.length;
  const holeEnd = pdf.indexOf('>', holeStart, 'latin1') + 1;
  if (holeStart < mark || holeEnd <= holeStart) throw new BridgeError('SIGNING_FAILED', 'signature /Contents not found');
  const byteRange: [number, number, number, number] = [0, holeStart, holeEnd, pdf.length - holeEnd];
  const text = `/ByteRange [${byteRange.join(' ')}]`;
  if (text.length > BYTE_RANGE_MARK.length) throw new BridgeError('SIGNING_FAILED', 'file too large for the ByteRange placeholder');
  pdf.write(text.padEnd(BYTE_RANGE_MARK.length, ' '), mark, 'latin1');
  return { byteRange, holeStart, holeEnd };
}
