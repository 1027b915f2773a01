/**
 * Find the edXML files a mail carries: `vanban.edxml` (envelope) and `trangthai.edxml` (status).
 * Decided by the root element (detectEdxml), not by the name, so a peer's `goitin.edxml` or a
 * status packet named `.xml` is understood too.
 */
import { detectEdxml } from '../edxml/detect.js';
import { parseEnvelope } from '../edxml/envelope.js';
import { parseStatus } from '../edxml/status.js';
import type { EnvelopeParse, StatusParse } from '../edxml/types.js';
import { unzip, type ZipBudget } from '../edxml/zip.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import type { LimitExceeded } from '../domain/limits.js';
import { hasPdfMagic, sha256Hex } from './parse.js';
import { sanitizeFilename } from './filename.js';
import type { MailAttachment, ParsedMail } from './types.js';

export type MailEdxml = {
  envelope?: { attachment: MailAttachment; parse: EnvelopeParse };
  status?: { attachment: MailAttachment; parse: StatusParse };
  /** Files that looked like edXML but were neither (name and reason). */
  problems: string[];
};

const MAX_EDXML_BYTES = 20 * 1024 * 1024;

/** True when an attachment may be an edXML file (by name or XML content type). */
export function isEdxmlCandidate(a: MailAttachment): boolean {
  if (a.isPdf || a.size === 0 || a.size > MAX_EDXML_BYTES) return false;
  return /\.(edxml|xml)$/iu.test(a.filename) || /^(?:application|text)\/(?:[\w.+-]*\+)?xml$/iu.test(a.contentType);
}

/** The first envelope and the first status packet among the mail's attachments. */
export function findEdxml(mail: ParsedMail): MailEdxml {
  const out: MailEdxml = { problems: [] };
  for (const a of mail.attachments) {
    if (!isEdxmlCandidate(a)) continue;
    const kind = detectEdxml(a.content);
    if (kind === 'envelope' && !out.envelope) out.envelope = { attachment: a, parse: parseEnvelope(a.content) };
    else if (kind === 'status' && !out.status) out.status = { attachment: a, parse: parseStatus(a.content) };
    else if (kind === null && /\.edxml$/iu.test(a.filename)) out.problems.push(`${a.filename}: not an edXML envelope or status packet`);
  }
  return out;
}

/** The files an envelope carries, what stopped unzipping (a limit), and damaged archives. */
export type EnvelopeFiles = { files: MailAttachment[]; exceeded: LimitExceeded | null; problems: string[] };

/**
 * The attachments an edXML envelope carries inside itself (AttachmentEncoded), as mail attachments,
 * unzipped under `limits` when a peer zipped them (one budget for the whole envelope). Their digests
 * are computed here, so the manifest check applies. An exceeded limit stops unzipping and is returned
 * (the intake quarantines with it); a damaged archive is a problem, and its files are missing.
 */
export function unpackEnvelopeAttachments(env: EnvelopeParse, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): EnvelopeFiles {
  const out: EnvelopeFiles = { files: [], exceeded: null, problems: [] };
  const budget: ZipBudget = { entries: 0, bytes: 0 };
  for (const [i, e] of env.encodedAttachments.entries()) {
    let files: Array<{ name: string; content: Buffer }> = [{ name: e.name ?? '', content: e.content }];
    if (e.zipped) {
      const z = unzip(e.content, limits, budget);
      if (z.exceeded) return { ...out, exceeded: z.exceeded };
      if (z.problem) out.problems.push(`${e.name ?? `attachment ${i + 1}`}: ${z.problem}`);
      files = z.entries;
    }
    for (const f of files) {
      const pdf = hasPdfMagic(f.content);
      const filename = sanitizeFilename(f.name || e.name, `edxml-attachment-${i + 1}${pdf ? '.pdf' : ''}`);
      const declared = typeof e.contentType === 'string' && e.contentType ? e.contentType.toLowerCase() : 'application/octet-stream';
      const contentType = pdf ? 'application/pdf' : declared;
      out.files.push({ filename, contentType, size: f.content.length, sha256: sha256Hex(f.content), content: f.content, isPdf: pdf || /\.pdf$/iu.test(filename), inline: false, forwarded: false });
    }
  }
  return out;
}

/** The files of unpackEnvelopeAttachments alone (callers that check the limit elsewhere). */
export function envelopeAttachments(env: EnvelopeParse, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): MailAttachment[] {
  return unpackEnvelopeAttachments(env, limits).files;
}
