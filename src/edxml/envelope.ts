/**
 * The edXML envelope `vanban.edxml` (QCVN 102:2016, docs/edxml.md §The envelope). Every element inside
 * the envelope carries the `edXML:` prefix (the VPCP .NET XmlSerializer rejects prefix-less output).
 *
 * Manifest digest convention (ours, documented): each `edXML:Reference` has
 * `<edXML:Description>SHA-256:<64 hex></edXML:Description>`; a peer's free-text Description is kept
 * after a `; `. The parser also accepts a `Digest` child with the hex. Sizes are not carried.
 *
 * The parser also reads the older SOAP form (envelope-soap.ts); `form` says which one it was.
 */
import { formatEdxmlDate, formatEdxmlTimestamp } from '../domain/document/dates.js';
import { padNumber } from '../domain/document/number-notation.js';
import { EDXML_NS } from './codes.js';
import { buildOrgan, buildResponseFor, buildStaff, dropUndefined } from './common.js';
import { readEncoded, readMessageHeader, readReference, readTraceList } from './envelope-read.js';
import { readSoapEnvelope, soapEnvelopeHeader } from './envelope-soap.js';
import { decodeXmlBytes, el, esc, find, group, kids, liftElementText, readXml } from './xml.js';
import type { EnvelopeInput, EnvelopeParse } from './types.js';

/** Build `vanban.edxml` from plain data (UTF-8 text; write it as UTF-8 bytes). */
export function buildEnvelope(doc: EnvelopeInput): string {
  const i3 = '      ';
  const i4 = i3 + '  ';
  const i5 = i4 + '  ';
  const header =
    buildOrgan('From', doc.from, i3) +
    doc.to.map(t => buildOrgan('To', t, i3)).join('') +
    group('Code', el('CodeNumber', padNumber(doc.codeNumber), i4) + el('CodeNotation', doc.codeNotation, i4), i3) +
    group('PromulgationInfo', el('Place', doc.place ?? '', i4) + el('PromulgationDate', formatEdxmlDate(doc.promulgationDate), i4), i3) +
    group('DocumentType', el('Type', doc.type ?? '', i4) + el('TypeDetail', doc.typeDetail ?? '0', i4) + el('TypeName', doc.typeName, i4), i3) +
    el('Subject', doc.subject, i3) +
    el('Content', doc.content ?? '', i3) +
    group(
      'SignerInfo',
      el('Competence', doc.signer?.competence ?? '', i4) + el('Position', doc.signer?.position ?? '', i4) + el('FullName', doc.signer?.fullName ?? '', i4),
      i3,
    ) +
    el('DueDate', doc.dueDate ? formatEdxmlDate(doc.dueDate) : '', i3) +
    group('ToPlaces', (doc.toPlaces ?? []).map(p => el('Place', p, i4)).join(''), i3, true) +
    group(
      'OtherInfo',
      el('Priority', doc.priority ?? 0, i4) +
        el('SphereOfPromulgation', doc.sphereOfPromulgation ?? '', i4) +
        el('TyperNotation', doc.typerNotation ?? '', i4) +
        el('PromulgationAmount', doc.promulgationAmount ?? 1, i4) +
        el('PageAmount', doc.pageAmount ?? '', i4) +
        el('Direction', 'false', i4) +
        group('Appendixes', (doc.appendixes ?? []).map(a => el('Appendix', a, i5)).join(''), i4),
      i3,
    ) +
    (doc.responseFor ? buildResponseFor(doc.responseFor, i3) : '') +
    el('SteeringType', doc.steeringType ?? 0, i3) +
    el('DocumentId', doc.documentId, i3);

  const b = doc.business ?? { docType: 0 as const };
  const traces =
    (doc.traces ?? []).map(t => group('TraceHeader', el('OrganId', t.organId, i4) + el('Timestamp', formatEdxmlTimestamp(t.timestamp), i4), i3)).join('') +
    group(
      'Bussiness',
      el('BussinessDocType', b.docType, i4) +
        el('BussinessDocReason', b.reason ?? '', i4) +
        group(
          'ReplacementInfoList',
          (b.replacements ?? [])
            .map(r =>
              group(
                'ReplacementInfo',
                el('DocumentId', r.documentId, i5 + '  ') + group('OrganIdList', r.organIds.map(o => el('OrganId', o, i5 + '    ')).join(''), i5 + '  '),
                i5,
              ),
            )
            .join(''),
          i4,
        ) +
        (b.staff ? buildStaff(b.staff, i4) : '') +
        el('Paper', b.paper ? 1 : 0, i4),
      i3,
    );

  const manifest = doc.attachments
    .map((a, n) => {
      const cid = a.contentId ?? `cid:attachment-${n + 1}`;
      const description = [a.sha256 ? `SHA-256:${a.sha256.toLowerCase()}` : '', a.description ?? ''].filter(Boolean).join('; ');
      return (
        `${i3}<edXML:Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="${esc(cid)}" xlink:role="XLinkRole" xlink:type="simple">\n` +
        el('Description', description, i4) +
        el('AttachmentName', a.name, i4) +
        el('ContentType', a.contentType, i4) +
        el('ContentId', cid, i4) +
        `${i3}</edXML:Reference>\n`
      );
    })
    .join('');

  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<edXML xmlns="${EDXML_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n` +
    `  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">\n` +
    `    <edXML:edXMLHeader>\n` +
    `      <edXML:MessageHeader>\n` +
    header.replace(/^ {6}/gmu, '        ') +
    `      </edXML:MessageHeader>\n` +
    `      <edXML:TraceHeaderList>\n` +
    traces.replace(/^ {6}/gmu, '        ') +
    `      </edXML:TraceHeaderList>\n` +
    `      <edXML:DigitalSignature/>\n` +
    `    </edXML:edXMLHeader>\n` +
    `    <edXML:edXMLBody>\n` +
    `      <edXML:edXMLManifest version="1.0">\n` +
    manifest.replace(/^ {6}/gmu, '        ') +
    `      </edXML:edXMLManifest>\n` +
    `    </edXML:edXMLBody>\n` +
    `  </edXML:edXMLEnvelope>\n` +
    `</edXML>\n`
  );
}

/** Parse an edXML envelope leniently: never throws; unusable input gives `ok: false` with errors. */
export function parseEnvelope(xml: string | Buffer): EnvelopeParse {
  const out: EnvelopeParse = { ok: false, errors: [], warnings: [], to: [], toPlaces: [], appendixes: [], traces: [], attachments: [], encodedAttachments: [] };
  const lifted = liftElementText(typeof xml === 'string' ? xml : decodeXmlBytes(xml), 'ContentTransferEncoded');
  const r = readXml(lifted.xml);
  if (!r.root) {
    out.errors.push(r.error);
    return out;
  }
  const env = find(r.root, 'edXMLEnvelope');
  if (!env && soapEnvelopeHeader(r.root)) readSoapEnvelope(r.root, out, lifted.texts);
  else if (!env) out.errors.push('no edXMLEnvelope element');
  else {
    out.form = 'qcvn102';
    const mh = find(env, 'MessageHeader');
    if (!mh) out.errors.push('no MessageHeader element');
    else readMessageHeader(mh, out);
    readTraceList(find(env, 'TraceHeaderList'), out);
    const manifest = find(env, 'edXMLManifest');
    for (const ref of kids(manifest, 'Reference')) out.attachments.push(readReference(ref, out.warnings));
    const encoded = find(r.root, 'AttachmentEncoded');
    for (const a of kids(encoded, 'Attachment')) out.encodedAttachments.push(readEncoded(a, lifted.texts));
  }
  dropUndefined(out);
  out.ok = out.errors.length === 0;
  return out;
}
