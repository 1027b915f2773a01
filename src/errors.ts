/**
 * The one catalogue of error codes (nodemailer lib/errors.js habit). Every thrown error that
 * crosses a module boundary is a BridgeError with one of these codes; expected outcomes
 * (a signature verdict, a refusal) are data, not errors.
 *
 * Each code carries its behaviour, read by one function each (docs/architecture.md §Errors):
 *   exit   the CLI's exit code: 2 = bad usage or bad configuration (fix the command or the file), 1 = a handled failure
 *   http   the API's status code
 *   retry  true when the same work may succeed later unchanged (a lost race, a server down, our own bug
 *          fixed by an upgrade): the drop folder leaves the file for the next scan, a transaction is run again
 * A code written as a plain message string has the defaults: exit 1, http 500, retry false.
 *
 * Each module keeps its codes in its own section; add new codes here, never inline strings.
 */
export type ErrorBehaviour = { exit: 1 | 2; http: number; retry: boolean };
export type ErrorSpec = { message: string } & ErrorBehaviour;

const DEFAULT_BEHAVIOUR: ErrorBehaviour = { exit: 1, http: 500, retry: false };

/** A catalogue entry with its behaviour spelled out (the rest default). */
const code = (message: string, behaviour: Partial<ErrorBehaviour> = {}): ErrorSpec => ({ message, ...DEFAULT_BEHAVIOUR, ...behaviour });

export const ERROR_CODES = {
  // Configuration and usage (CLI exit 2)
  CONFIG_INVALID: code('Configuration failed validation', { exit: 2 }),
  CONFIG_NOT_FOUND: code('Configuration file not found or unreadable', { exit: 2 }),
  SECRET_MISSING: code('A secret named in the configuration is not set', { exit: 2 }),
  USAGE: code('Bad command-line usage', { exit: 2, http: 400 }),

  // Storage
  DB_CONFLICT: code('Row changed concurrently (compare-and-set lost)', { http: 409, retry: true }),
  DB_DUPLICATE: code('Row already exists (unique constraint)', { http: 409 }),
  DB_UNAVAILABLE: code('Database server unreachable or refused the connection', { http: 503, retry: true }),
  NOT_FOUND: code('No such record', { http: 404 }),
  BLOB_MISSING: 'Content-addressed blob not found or corrupt',

  // Mail intake
  IMAP_UNAVAILABLE: code('Mailbox server unreachable or connection dropped', { http: 503, retry: true }),
  IMAP_AUTH: code('The mail server refused the login (user or password wrong, or the account locked)', { http: 503 }),
  IMAP_FOLDER: code('A configured IMAP folder is missing and cannot be created (the server said why)', { http: 503 }),
  IMAP_TIMEOUT: code('The mail server did not answer an IMAP command in time', { http: 504, retry: true }),
  MAIL_TOO_LARGE: 'Mail exceeds the configured size limit',
  MAIL_UNPARSEABLE: code('Mail could not be parsed as MIME', { http: 400 }),
  STATUS_CONFLICT: code('Status changed concurrently or transition not allowed', { http: 409 }),

  // Mail sending
  TEMPLATE_MISSING: 'Mail template not found',

  // Documents and PDFs
  PDF_UNREADABLE: code('File is not a readable PDF', { http: 400 }),
  EDXML_INVALID: code('edXML package is malformed', { http: 400 }),
  SIGNING_FAILED: 'The agency signature could not be applied',
  KEY_UNAVAILABLE: code('The agency key or certificate could not be loaded', { http: 503, retry: true }),

  // Malware scanning (docs/hostile-input.md §Scanning)
  SCANNER_UNAVAILABLE: code('The malware scanner (clamd) cannot be reached or did not answer in time', { http: 503, retry: true }),
  SCANNER_FAILED: code('The malware scanner answered with an error', { retry: true }),
  SCANNER_SIZE_LIMIT: code("The file is larger than the malware scanner accepts (clamd's StreamMaxLength); retrying does not help"),

  // Web app and API (src/web/; docs/security.md)
  AUTH_REQUIRED: code('Login or API token required, or it is not valid', { http: 401 }),
  FORBIDDEN: code('The account may not do this', { http: 403 }),
  CSRF_REFUSED: code('Cross-site request refused (foreign Origin, or missing or wrong CSRF token)', { http: 403 }),
  LOGIN_LOCKED: code('Too many failed logins: account or address locked for a while', { http: 429 }),
  UPLOAD_TOO_LARGE: code('Uploaded file or request over the size limit', { http: 413 }),

  // Generic
  INTERNAL: code('Unexpected internal error', { retry: true }),
} as const satisfies Record<string, ErrorSpec | string>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The catalogue entry of a code, defaults filled in. */
export function errorSpec(c: ErrorCode): ErrorSpec {
  const entry: ErrorSpec | string = ERROR_CODES[c];
  return typeof entry === 'string' ? { message: entry, ...DEFAULT_BEHAVIOUR } : entry;
}

/** A failure with a catalogue code; `details` carries protocol context (SMTP reply, key path...). */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(c: ErrorCode, message?: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message ?? errorSpec(c).message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridgeError';
    this.code = c;
    this.details = options.details ?? {};
  }
}

/** True when err is a BridgeError, optionally of one code. */
export function isBridgeError(err: unknown, c?: ErrorCode): err is BridgeError {
  return err instanceof BridgeError && (c === undefined || err.code === c);
}

/** One line for logs and the CLI: `CODE: message`. */
export function describeError(err: unknown): string {
  if (err instanceof BridgeError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The CLI's exit code for a failure: the code's `exit`; node's own argument parser errors
 * (ERR_PARSE_ARGS_*) are bad usage too; anything else is a handled failure (1).
 */
export function exitCodeOf(err: unknown): 1 | 2 {
  if (err instanceof BridgeError) return errorSpec(err.code).exit;
  if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return 2;
  return 1;
}

/** The API's status code for a failure: the code's `http`; anything that is not a BridgeError is a 500. */
export function httpStatusOf(err: unknown): number {
  return err instanceof BridgeError ? errorSpec(err.code).http : 500;
}

/**
 * Whether the same work may succeed later, unchanged: the code's `retry`, unless the thrower knew
 * better (`details.retry`: a compare-and-set lost to a finished row will never win). An error that
 * is not a BridgeError is unknown ground (a driver error, a bug): retried, never turned into a verdict.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof BridgeError)) return true;
  return typeof err.details.retry === 'boolean' ? err.details.retry : errorSpec(err.code).retry;
}
