/**
 * Check the attachments a mail carries against its edXML manifest (docs/edxml.md §The manifest, QĐ 1123 Art. 12.3:
 * attachments present and intact). Entries are matched by SHA-256 first (names are rewritten by
 * clients and by our sanitiser), then by name; a name match with another digest is a mismatch.
 */
import type { EnvelopeParse, ManifestEntry } from '../edxml/types.js';
import { sanitizeFilename } from './filename.js';
import { isEdxmlCandidate } from './edxml-parts.js';
import type { MailAttachment } from './types.js';

export type ManifestCheck = {
  /** True when every listed entry is present with its digest (entries without a digest match by name). */
  ok: boolean;
  /** Manifest names with no attachment. */
  missing: string[];
  /** Manifest names whose attachment has another SHA-256. */
  digestMismatch: Array<{ name: string; expected: string; actual: string }>;
  /** Attachment file names the manifest does not list (the edXML files and forwarded containers excluded). */
  unlisted: string[];
};

/** Compare a mail's attachments (plus edXML AttachmentEncoded parts already merged by the caller) with the manifest. */
export function checkManifest(envelope: Pick<EnvelopeParse, 'attachments'>, attachments: MailAttachment[]): ManifestCheck {
  const pool = attachments.filter(a => !isEdxmlCandidate(a) && a.contentType !== 'message/rfc822');
  const used = new Set<MailAttachment>();
  const out: ManifestCheck = { ok: true, missing: [], digestMismatch: [], unlisted: [] };
  for (const entry of envelope.attachments) {
    const byDigest = entry.sha256 ? pool.find(a => !used.has(a) && a.sha256 === entry.sha256) : undefined;
    if (byDigest) {
      used.add(byDigest);
      continue;
    }
    const byName = pool.find(a => !used.has(a) && sameName(a.filename, entry));
    if (byName) {
      used.add(byName);
      if (entry.sha256) out.digestMismatch.push({ name: entry.name, expected: entry.sha256, actual: byName.sha256 });
      continue;
    }
    out.missing.push(entry.name);
  }
  out.unlisted = pool.filter(a => !used.has(a)).map(a => a.filename);
  out.ok = out.missing.length === 0 && out.digestMismatch.length === 0;
  return out;
}

function sameName(filename: string, entry: ManifestEntry): boolean {
  const a = filename.normalize('NFC').toLowerCase();
  return a === entry.name.normalize('NFC').toLowerCase() || a === sanitizeFilename(entry.name).toLowerCase();
}
