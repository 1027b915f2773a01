/**
 * The one catalogue of error codes (nodemailer lib/errors.js habit). Every thrown error that
 * crosses a module boundary is a BridgeError with one of these codes; expected outcomes
 * (a signature verdict, a refusal) are data, not errors.
 *
 * Each module keeps its codes in its own section; add new codes here, never inline strings.
 */
export const ERROR_CODES = {
  // Configuration and usage (CLI exit 2)
  CONFIG_INVALID: 'Configuration failed validation',
  CONFIG_NOT_FOUND: 'Configuration file not found or unreadable',
  SECRET_MISSING: 'A secret named in the configuration is not set',
  USAGE: 'Bad command-line usage',

  // Storage
  DB_CONFLICT: 'Row changed concurrently (compare-and-set lost)',
  DB_DUPLICATE: 'Row already exists (unique constraint)',
  NOT_FOUND: 'No such record',
  BLOB_MISSING: 'Content-addressed blob not found or corrupt',
  LEASE_HELD: 'Another worker holds the mailbox lease',

  // Mail intake
  IMAP_UNAVAILABLE: 'Mailbox server unreachable or connection dropped',
  MAIL_TOO_LARGE: 'Mail exceeds the configured size limit',
  MAIL_UNPARSEABLE: 'Mail could not be parsed as MIME',
  STATUS_CONFLICT: 'Status changed concurrently or transition not allowed',

  // Mail sending
  SMTP_TRANSIENT: 'SMTP 4xx or network failure; will retry',
  SMTP_PERMANENT: 'SMTP 5xx; will not retry',
  TEMPLATE_MISSING: 'Mail template not found',

  // Documents and PDFs
  PDF_UNREADABLE: 'File is not a readable PDF',
  EDXML_INVALID: 'edXML package is malformed',
  SIGNING_FAILED: 'The agency signature could not be applied',
  KEY_UNAVAILABLE: 'The agency key or certificate could not be loaded',

  // Malware scanning (docs/hostile-input.md §Scanning)
  SCANNER_UNAVAILABLE: 'The malware scanner (clamd) cannot be reached or did not answer in time',
  SCANNER_FAILED: 'The malware scanner answered with an error (e.g. stream size limit)',
  // Web app and API (src/web/)
  AUTH_REQUIRED: 'Login or API token required, or it is not valid',
  FORBIDDEN: 'The account may not do this',
  CSRF_REFUSED: 'Cross-site request refused (foreign Origin, or missing or wrong CSRF token)',
  LOGIN_LOCKED: 'Too many failed logins: account or address locked for a while',
  UPLOAD_TOO_LARGE: 'Uploaded file or request over the size limit',

  // Generic
  INTERNAL: 'Unexpected internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A failure with a catalogue code; `details` carries protocol context (SMTP reply, key path...). */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridgeError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when err is a BridgeError, optionally of one code. */
export function isBridgeError(err: unknown, code?: ErrorCode): err is BridgeError {
  return err instanceof BridgeError && (code === undefined || err.code === code);
}

/** One line for logs and the CLI: `CODE: message`. */
export function describeError(err: unknown): string {
  if (err instanceof BridgeError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
