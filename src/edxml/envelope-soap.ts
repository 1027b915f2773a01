/**
 * The older SOAP form of the document envelope (docs/edxml.md §Older SOAP form), still sent by QLVB
 * systems built before QCVN 102:2016: `soap-env:Envelope`, the `edXML:MessageHeader` (and
 * TraceHeaderList) in `soap-env:Header`, the attachments in `soap-env:Body`: a `Manifest` of
 * `Reference`s (xlink:href to the MIME part, optional digest) and/or the files themselves with their
 * digests. An XML-DSig `Signature` in the Header may carry the attachments' digests as
 * `Reference URI="cid:…"` with DigestMethod and DigestValue (the ebXML way of signing payloads).
 */
import { dropUndefined } from './common.js';
import { readEncoded, readMessageHeader, readReference, readTraceList, sha256Of } from './envelope-read.js';
import { child, find, kids, text, type XNode } from './xml.js';
import type { EnvelopeParse, ManifestEntry } from './types.js';

/** The Header of a SOAP Envelope when it holds an edXML MessageHeader (the older envelope form). */
export function soapEnvelopeHeader(root: XNode): XNode | undefined {
  const header = child(child(root, 'Envelope'), 'Header');
  return header && child(header, 'MessageHeader') ? header : undefined;
}

/** Read the older SOAP form into `out` (the same fields as the QCVN form). */
export function readSoapEnvelope(root: XNode, out: EnvelopeParse, lifted: readonly string[] = []): void {
  out.form = 'soap';
  const envelope = child(root, 'Envelope')!;
  const header = child(envelope, 'Header')!;
  readMessageHeader(child(header, 'MessageHeader')!, out);
  readTraceList(child(header, 'TraceHeaderList'), out);
  const body = child(envelope, 'Body');
  const manifest = child(body, 'Manifest') ?? child(body, 'edXMLManifest') ?? find(body, 'Manifest');
  for (const ref of kids(manifest, 'Reference')) out.attachments.push(readReference(ref, out.warnings));
  for (const a of bodyAttachments(body, manifest)) {
    const file = readEncoded(a, lifted);
    out.encodedAttachments.push(file);
    const method = child(a, 'DigestMethod')?.['@_Algorithm'] as string | undefined;
    const sha256 = sha256Of(text(a, 'Digest') ?? text(a, 'DigestValue'), method, out.warnings, `attachment ${file.name ?? file.contentId ?? '(unnamed)'}`);
    declare(out, dropUndefined({ name: file.name ?? '', contentType: file.contentType ?? 'application/octet-stream', sha256, contentId: file.contentId }));
  }
  for (const ref of kids(child(find(header, 'Signature'), 'SignedInfo'), 'Reference')) {
    const uri = ref['@_URI'];
    if (typeof uri !== 'string' || !/^cid:/iu.test(uri)) continue;
    const method = child(ref, 'DigestMethod')?.['@_Algorithm'] as string | undefined;
    const sha256 = sha256Of(text(ref, 'DigestValue'), method, out.warnings, `signed reference ${uri}`);
    if (sha256) declare(out, { name: '', contentType: 'application/octet-stream', sha256, contentId: uri });
  }
}

/** The file elements of the Body (not the Manifest's references): Attachment / attachment, wherever nested. */
function bodyAttachments(body: XNode | undefined, manifest: XNode | undefined): XNode[] {
  const out: XNode[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || node === manifest || depth > 6) return;
    for (const [k, v] of Object.entries(node as XNode)) {
      if (k.startsWith('@_') || k === '#text') continue;
      for (const item of Array.isArray(v) ? v : [v]) {
        if (/^attachment$/iu.test(k) && item && typeof item === 'object') out.push(item as XNode);
        else walk(item, depth + 1);
      }
    }
  };
  walk(body, 0);
  return out;
}

/**
 * Add what a Body file or a signed reference says to the manifest: fill the digest of the entry with
 * the same content id or name, or add an entry, so the manifest check verifies it.
 */
function declare(out: EnvelopeParse, e: ManifestEntry): void {
  const same = out.attachments.find(m => (e.contentId && sameCid(m.contentId, e.contentId)) || (e.name && m.name === e.name));
  if (!same) {
    if (e.sha256 || e.name) out.attachments.push(e);
    return;
  }
  if (!same.name && e.name) same.name = e.name;
  if (e.sha256 && same.sha256 && same.sha256 !== e.sha256) out.warnings.push(`${same.name || same.contentId}: two different digests declared; the manifest's is checked`);
  else if (e.sha256) same.sha256 = e.sha256;
}

function sameCid(a: string | undefined, b: string): boolean {
  const norm = (s: string): string => s.trim().replace(/^cid:/iu, '').replace(/^<|>$/gu, '').toLowerCase();
  return !!a && norm(a) === norm(b);
}
