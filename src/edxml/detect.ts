/** What an .edxml file is, from its root element (not its file name). */
import { soapEnvelopeHeader } from './envelope-soap.js';
import { decodeXmlBytes, find, liftElementText, readXml, rootNames } from './xml.js';

export type EdxmlKind = 'envelope' | 'status';

/**
 * 'envelope' (root edXML / edXMLEnvelope, or the older SOAP form with a MessageHeader in its Header),
 * 'status' (root Status, or a SOAP envelope holding one), or null.
 */
export function detectEdxml(xml: string | Buffer): EdxmlKind | null {
  // Attachment payloads need no parsing to know the root (xml.ts liftElementText).
  const r = readXml(liftElementText(typeof xml === 'string' ? xml : decodeXmlBytes(xml), 'ContentTransferEncoded').xml);
  if (!r.root) return null;
  const names = rootNames(r.root);
  if (names.includes('edXML') || names.includes('edXMLEnvelope')) return 'envelope';
  if (names.includes('Status')) return 'status';
  if (names.includes('Envelope')) {
    if (find(r.root, 'Status')) return 'status';
    if (find(r.root, 'edXMLEnvelope') || soapEnvelopeHeader(r.root)) return 'envelope';
  }
  return null;
}
