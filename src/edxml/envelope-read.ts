/**
 * Reading the parts of an edXML envelope that both forms share (docs/edxml.md §Older SOAP form): the
 * MessageHeader, the TraceHeaderList, manifest references and attachments carried inside the XML.
 * The readers accept the older element names too (PromulgationInfo/Date, `type` with value and
 * description, Author/Function, OtherInfo/Secret, a Priority written as a word, digests as XML-DSig
 * DigestMethod/DigestValue), so a document keeps its metadata whichever form carried it.
 */
import { parseEdxmlDate, parseEdxmlTimestamp } from '../domain/document/dates.js';
import { padNumber } from '../domain/document/number-notation.js';
import { URGENCY_PRIORITY, urgencyFromMark } from '../domain/document/urgency.js';
import { normalizeBusinessDocType } from './codes.js';
import { dropUndefined, intOf, parseOrgan, parseResponseFor, parseStaff } from './common.js';
import { child, kids, path, text, type XNode } from './xml.js';
import type { EnvelopeParse, ManifestEntry } from './types.js';

const SHA256_IN_TEXT = /SHA-?256\s*[:=]\s*([0-9a-fA-F]{64})/u;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Read a MessageHeader into `out` (QCVN 102:2016 names, and the older SOAP form's). */
export function readMessageHeader(mh: XNode, out: EnvelopeParse): void {
  out.from = parseOrgan(child(mh, 'From'));
  out.to = kids(mh, 'To').map(t => parseOrgan(t)!).filter(Boolean);
  out.codeNumber = text(path(mh, 'Code'), 'CodeNumber');
  out.codeNotation = text(path(mh, 'Code'), 'CodeNotation');
  if (out.codeNumber && out.codeNotation) out.numberNotation = `${padNumber(out.codeNumber)}/${out.codeNotation}`;
  const pi = child(mh, 'PromulgationInfo');
  out.place = text(pi, 'Place');
  const rawDate = text(pi, 'PromulgationDate') ?? text(pi, 'Date');
  out.promulgationDate = parseEdxmlDate(rawDate) ?? undefined;
  if (rawDate && !out.promulgationDate) out.warnings.push(`unreadable PromulgationDate ${rawDate}`);
  const dt = child(mh, 'DocumentType');
  // The older form: <edXML:type><value>18</value><description>Công văn</description></edXML:type>.
  const older = child(mh, 'type');
  out.typeName = text(dt, 'TypeName') ?? text(older, 'description') ?? (older && !child(older, 'value') ? text(older) : undefined);
  out.type = text(dt, 'Type') ?? text(older, 'value');
  out.subject = text(mh, 'Subject');
  out.content = text(mh, 'Content');
  // The older form names the signer Author, with Function for the position.
  const si = child(mh, 'SignerInfo') ?? child(mh, 'Author');
  if (si) {
    const signer = dropUndefined({ competence: text(si, 'Competence'), position: text(si, 'Position') ?? text(si, 'Function'), fullName: text(si, 'FullName') });
    if (Object.keys(signer).length > 0) out.signer = signer;
  }
  out.dueDate = parseEdxmlDate(text(mh, 'DueDate')) ?? undefined;
  out.toPlaces = kids(child(mh, 'ToPlaces'), 'Place').map(p => text(p)).filter((p): p is string => !!p);
  const oi = child(mh, 'OtherInfo');
  const priority = text(oi, 'Priority');
  out.priority = intOf(priority) ?? priorityFromWord(priority);
  out.secret = text(oi, 'Secret');
  out.pageAmount = intOf(text(oi, 'PageAmount'));
  out.appendixes = kids(child(oi, 'Appendixes'), 'Appendix').map(p => text(p)).filter((p): p is string => !!p);
  out.responseFor = parseResponseFor(child(mh, 'ResponseFor'));
  out.steeringType = intOf(text(mh, 'SteeringType'));
  out.documentId = text(mh, 'DocumentId');
}

/** "Khẩn", "Hỏa tốc" (older peers write the urgency as a word) → the Priority number; "Thường" → 0. */
function priorityFromWord(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const u = urgencyFromMark(word);
  if (u) return URGENCY_PRIORITY[u];
  return /^(?:th[ưu][ờo]ng|b[ìi]nh th[ưu][ờo]ng)$/iu.test(word.trim()) ? 0 : undefined;
}

/** Read a TraceHeaderList (hops, and the Bussiness block) into `out`. */
export function readTraceList(trace: XNode | undefined, out: EnvelopeParse): void {
  if (!trace) return;
  for (const t of kids(trace, 'TraceHeader')) {
    // The older form puts the hop's organisation under Sender.
    const organId = text(t, 'OrganId') ?? text(child(t, 'Sender'), 'OrganId');
    out.traces.push(dropUndefined({ organId, timestamp: parseEdxmlTimestamp(text(t, 'Timestamp')) ?? text(t, 'Timestamp') }));
  }
  const bus = child(trace, 'Bussiness') ?? child(trace, 'Business');
  if (bus) {
    const raw = text(bus, 'BussinessDocType') ?? text(bus, 'BusinessDocType');
    const bt = normalizeBusinessDocType(raw);
    if (bt !== null) out.businessDocType = bt;
    else if (raw !== undefined) out.warnings.push(`unknown BussinessDocType ${raw}`);
    out.businessDocReason = text(bus, 'BussinessDocReason') ?? text(bus, 'BusinessDocReason');
    out.staff = parseStaff(child(bus, 'StaffInfo'));
  }
}

/**
 * A SHA-256 digest as lower-case hex, from hex or from base64 (XML-DSig DigestValue), or undefined.
 * A DigestMethod naming another algorithm (SHA-1 in old samples) gives undefined and a warning.
 */
export function sha256Of(value: string | undefined, algorithm: string | undefined, warnings: string[], what: string): string | undefined {
  if (!value) return undefined;
  if (algorithm && !/sha-?256/iu.test(algorithm)) {
    warnings.push(`${what}: digest ${algorithm} is not SHA-256, not checked`);
    return undefined;
  }
  const v = value.replace(/\s+/gu, '');
  if (/^[0-9a-fA-F]{64}$/u.test(v)) return v.toLowerCase();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/u.test(v) ? Buffer.from(v, 'base64') : null;
  if (bytes?.length === 32) return bytes.toString('hex');
  warnings.push(`${what}: unreadable digest ${value.slice(0, 80)}`);
  return undefined;
}

/** One manifest Reference: name, type, content id, and its digest (Description `SHA-256:<hex>`, Digest, or DigestValue). */
export function readReference(ref: XNode, warnings: string[]): ManifestEntry {
  const description = text(ref, 'Description');
  const m = SHA256_IN_TEXT.exec(description ?? '');
  const name = text(ref, 'AttachmentName') ?? '';
  const method = child(ref, 'DigestMethod')?.['@_Algorithm'] as string | undefined;
  const sha = sha256Of(text(ref, 'Digest') ?? text(ref, 'DigestValue'), method, warnings, `manifest entry ${name || '(unnamed)'}`) ?? m?.[1]?.toLowerCase();
  const rest = description?.replace(SHA256_IN_TEXT, '').replace(/^[\s;]+|[\s;]+$/gu, '');
  return dropUndefined({
    name,
    contentType: text(ref, 'ContentType') ?? 'application/octet-stream',
    sha256: sha,
    contentId: text(ref, 'ContentId') ?? (ref['@_href'] as string | undefined),
    description: rest || undefined,
  });
}

/** An attachment carried inside the XML (AttachmentEncoded/Attachment, or the older form's Body attachment). */
export function readEncoded(a: XNode, lifted: readonly string[] = []): EnvelopeParse['encodedAttachments'][number] {
  const attr = (n: string): string | undefined => (typeof a[`@_${n}`] === 'string' ? (a[`@_${n}`] as string) : undefined);
  const inXml = text(a, 'ContentTransferEncoded') ?? text(a, 'Content') ?? text(a, 'value') ?? '';
  // A payload lifted out before parsing stands as `@<index>` (xml.ts liftElementText); its character references are dropped as the parser would.
  const ref = /^@(\d+)$/u.exec(inXml);
  const b64 = ref ? (lifted[Number(ref[1])] ?? '').replace(/&#(?:x[0-9a-f]+|\d+);/giu, '') : inXml;
  const content = Buffer.from(b64.replace(/\s+/gu, ''), 'base64');
  return dropUndefined({
    name: text(a, 'AttachmentName') ?? text(a, 'name') ?? attr('AttachmentName') ?? attr('name'),
    contentType: text(a, 'ContentType') ?? attr('ContentType') ?? attr('Content-Type'),
    contentId: text(a, 'ContentId') ?? attr('ContentId') ?? attr('href'),
    content,
    zipped: content.subarray(0, 4).equals(ZIP_MAGIC),
  });
}
