/** The shapes of the pure mail layer (parse → classify → extract). */
import type { LimitExceeded } from '../domain/limits.js';

export type MailAddress = { address: string; name: string };

export type MailAttachment = {
  /** Sanitised, NFC; never empty (a generated `attachment-N.ext` when the mail gives none). */
  filename: string;
  /** Lower-case MIME type as declared, except a PDF sniffed by magic bytes is `application/pdf`. */
  contentType: string;
  size: number;
  /** Lower-case hex SHA-256 of the decoded content. */
  sha256: string;
  content: Buffer;
  /** Starts with `%PDF-` (within the first 1024 bytes), or declared PDF / named *.pdf. */
  isPdf: boolean;
  /** Content-Disposition: inline (or none) rather than attachment. */
  inline: boolean;
  /** Came out of a forwarded `message/rfc822` part. */
  forwarded: boolean;
};

export type ReportPart = { contentType: string; content: Buffer };

export type ParsedMail = {
  /** With angle brackets, as on the wire: `<id@host>`; null when absent. */
  messageId: string | null;
  /** With angle brackets; the first id of In-Reply-To. */
  inReplyTo: string | null;
  /** With angle brackets, in order. */
  references: string[];
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  /** Lower-case names → decoded (RFC 2047), unfolded, NFC values, in order of appearance. */
  headers: Record<string, string[]>;
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  /** message/delivery-status, message/global-delivery-status, message/disposition-notification, text/rfc822-headers. */
  reportParts: ReportPart[];
  warnings: string[];
  /** A decompression or parsing limit the mail exceeded (docs/hostile-input.md §Limits): quarantine with it. */
  limitExceeded?: LimitExceeded;
};
