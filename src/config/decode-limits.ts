import { z } from 'zod';

/**
 * Limits on what hostile input may make us decode (docs/hostile-input.md §Limits): the one table.
 * Pure code (src/mail, src/edxml, src/pdf) takes these as a parameter; exceeding one is a typed
 * result with a reason code, never an exception.
 */
export const decodeLimits = z
  .object({
    /** MIME parts (attachments, report parts, nested messages) kept per mail; more → MIME_TOO_MANY_PARTS. */
    mimeMaxParts: z.number().int().positive().default(500),
    /** Total decoded bytes of all parts of one mail, nested copies included → MIME_TOO_LARGE. */
    mimeMaxDecodedBytes: z.number().int().positive().default(192 * 1024 * 1024),
    /** Levels of message/rfc822 and S/MIME wrapping we parse; deeper ones stay unparsed attachments. */
    mimeMaxDepth: z.number().int().min(0).max(10).default(3),
    /** Entries of one ZIP (edXML AttachmentEncoded), nested ones counted → ZIP_TOO_MANY_ENTRIES. */
    zipMaxEntries: z.number().int().positive().default(64),
    /** Declared uncompressed size of one ZIP entry → ZIP_TOO_LARGE. */
    zipMaxEntryBytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Uncompressed bytes of all ZIP entries of one mail → ZIP_TOO_LARGE. */
    zipMaxTotalBytes: z.number().int().positive().default(128 * 1024 * 1024),
    /** Uncompressed/compressed ratio of one ZIP entry (entries above 1 MiB) → ZIP_RATIO. */
    zipMaxRatio: z.number().positive().default(200),
    /** ZIP archives inside ZIP archives: 1 = a ZIP, not a ZIP inside it → ZIP_NESTING. */
    zipMaxNesting: z.number().int().min(1).max(8).default(2),
    /** Decoded bytes of one PDF stream (FlateDecode, chained filters included) → PDF_STREAM_TOO_LARGE. */
    pdfMaxStreamBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /** Decoded bytes of all streams of one PDF → PDF_TOO_LARGE. */
    pdfMaxDecodedBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** Decoded/encoded ratio of one PDF stream (streams above 8 MiB decoded) → PDF_RATIO. */
    pdfMaxRatio: z.number().positive().default(500),
    /** Streams of one PDF → PDF_TOO_MANY_STREAMS. */
    pdfMaxStreams: z.number().int().positive().default(100_000),
    /** Pages of one PDF whose text we read (the first ones and the last). */
    pdfMaxTextPages: z.number().int().positive().default(3),
  })
  .strict();

/** The decompression limits (see decodeLimits). */
export type DecodeLimits = z.infer<typeof decodeLimits>;

/** The defaults, for pure code called without a configuration (inspect, tests). */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze(decodeLimits.parse({}));
