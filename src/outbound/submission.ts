import { z } from 'zod';
import type { HostedAgency } from '../config/schema.js';
import { abbreviationForType, typeFromName } from '../domain/document/types.js';
import { BridgeError } from '../errors.js';

/**
 * What a submission carries, whatever the channel (CLI, HTTP API, drop folder, edXML package):
 * the files and the metadata of the outgoing register (NĐ 30 App. IV: số, ký hiệu, ngày, tên loại,
 * trích yếu, người ký, độ khẩn, hạn xử lý). The schema is the documentation of `--meta meta.json`.
 */
export const submissionMetaSchema = z
  .object({
    /** Tên loại văn bản, e.g. "Công văn", "Quyết định". */
    type: z.string().min(1).default('Công văn'),
    /** Ký hiệu after the number; default: type abbreviation + agency shortName (QĐ-SYT), or shortName for a công văn. */
    notation: z.string().regex(/^[\p{L}\p{N}&.]+(?:[-/][\p{L}\p{N}&.]+)*$/u, 'must be a notation such as QĐ-SYT or SYT-VP').optional(),
    /** Trích yếu. */
    summary: z.string().min(1),
    signer: z.object({ competence: z.string().optional(), position: z.string().optional(), name: z.string().optional() }).strict().default({}),
    urgency: z.enum(['normal', 'khan', 'thuong-khan', 'hoa-toc']).default('normal'),
    /** Hạn xử lý, YYYY-MM-DD; or `processingDays` working days from today (calendar module). */
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
    processingDays: z.number().int().positive().max(365).optional(),
    /** Nơi nhận as printed (edXML ToPlaces); default: the recipients' names. */
    toPlaces: z.array(z.string()).optional(),
  })
  .strict();

export type SubmissionMeta = z.infer<typeof submissionMetaSchema>;

export type SubmissionFile = { name: string; content: Buffer; role: 'main' | 'annex' };

export type Submission = {
  agencyCode: string;
  /** Agency codes from the directory, or e-mail addresses. */
  to: string[];
  files: SubmissionFile[];
  meta: SubmissionMeta;
  source: 'cli' | 'http' | 'drop' | 'edxml';
  /** Idempotency: a second submission with the same key returns the first document (drop folder, API retries). */
  submissionKey?: string;
  /**
   * Name the sealed files after the number and notation (sealedFileName), the default: the clerk's
   * draft name ("Dự thảo lần 3.pdf") must not travel (docs/mail.md §Document mail). `false` keeps
   * the names given (an edXML package whose names the sender chose).
   */
  nameAfterNumber?: boolean;
};

/**
 * The file name of a sealed file, after its number and notation, in plain ASCII so every mail
 * client and file system keeps it: '05/QĐ-SYT' → '05-QD-SYT.pdf', its annexes
 * '05-QD-SYT-phu-luc-1.pdf' (a slash cannot stand in a file name; Đ is not a D with a mark, so
 * it is folded by hand). The Vietnamese name travels beside it (compose/document-mail.ts fileTitle).
 */
export function sealedFileName(numberNotation: string, role: 'main' | 'annex', annexIndex: number): string {
  const ascii = numberNotation.normalize('NFD').replace(/\p{M}+/gu, '').replace(/Đ/g, 'D').replace(/đ/g, 'd');
  const base = ascii.replace(/[/\\]+/g, '-').replace(/[^A-Za-z0-9.&-]+/g, '');
  return role === 'main' ? `${base}.pdf` : `${base}-phu-luc-${annexIndex}.pdf`;
}


/** Validate metadata (from meta.json, flags or an HTTP body); throws USAGE naming the bad key. */
export function parseSubmissionMeta(raw: unknown): SubmissionMeta {
  const parsed = submissionMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(i => `${i.path.join('.') || '(meta)'}: ${i.message}`).join('; ');
    throw new BridgeError('USAGE', `bad document metadata: ${issues}`);
  }
  const meta = parsed.data;
  return { ...meta, type: nfcType(meta.type), summary: meta.summary.normalize('NFC').trim(), notation: meta.notation?.normalize('NFC') };
}

/** The canonical type name ('quyết định' → 'Quyết định'); unknown names are kept as written. */
function nfcType(name: string): string {
  return typeFromName(name.normalize('NFC'))?.name ?? name.normalize('NFC').trim();
}

/** Ký hiệu for a new number: the given one, else type abbreviation + agency short name (NĐ 30 App. I §II.3). */
export function notationFor(meta: SubmissionMeta, agency: HostedAgency): string {
  if (meta.notation) return meta.notation;
  const short = agency.shortName ?? 'VP';
  const abbr = abbreviationForType(meta.type);
  return abbr ? `${abbr}-${short}` : short;
}
