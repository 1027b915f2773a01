import { z } from 'zod';

/**
 * The configuration file, as a schema: this is its documentation (README "Configuration"
 * points here). Secrets never appear in the file itself: a `*Env` key names an environment
 * variable, which may instead be given as a file path in `<NAME>_FILE` (Directus habit).
 */

/** QCVN 102:2016 (`000.00.31.H62`) or QĐ 20/2020 (up to 35 chars of [0-9A-Z.]) agency code. */
export const agencyCode = z
  .string()
  .regex(/^(?=.{1,35}$)[0-9A-Z]+(\.[0-9A-Z]+)*$/, 'must be an agency code such as 000.00.31.H62 (QCVN 102:2016) or H55.242 (QĐ 20/2020)');

const secretRef = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable (UPPER_CASE)');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

const tlsOptions = z
  .object({
    /** PEM file of the CA that signed the server certificate (verified; never disabled). */
    caFile: z.string().optional(),
    /** Name to check in the server certificate, when connecting by IP. */
    servername: z.string().optional(),
  })
  .strict();

/**
 * TLS by default (docs/mail.md §TLS): a mailbox needs implicit TLS (`secure`) or a required
 * STARTTLS upgrade; cleartext only with an explicit `allowCleartext: true`. The issue names the key
 * to change, so the operator sees which one was turned off.
 */
function cleartextRule(upgradeKey: 'starttls' | 'requireTLS') {
  return (s: { secure: boolean; allowCleartext: boolean } & Partial<Record<typeof upgradeKey, boolean>>, ctx: z.RefinementCtx): void => {
    if (s.secure || s[upgradeKey] || s.allowCleartext) return;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [upgradeKey],
      message: `with secure: false and ${upgradeKey}: false the password goes in clear; use TLS (secure: true or ${upgradeKey}: true) or set allowCleartext: true`,
    });
  };
}

const imapSettings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** true: implicit TLS (993); false: plain, upgraded with STARTTLS when `starttls` (then required). */
    secure: z.boolean().default(true),
    starttls: z.boolean().default(true),
    /** Needed for plain IMAP (secure and starttls both false): the password then goes in clear (docs/mail.md §TLS). */
    allowCleartext: z.boolean().default(false),
    user: z.string().min(1),
    passwordEnv: secretRef,
    tls: tlsOptions.default({}),
    /** Use IMAP IDLE when the server offers it; the cron poll stays as the fallback. */
    idle: z.boolean().default(true),
    /** Longest wait for the server's answer to one IMAP command (connect and login included). */
    timeoutSeconds: z.number().int().min(1).max(3600).default(60),
    /** Without IDLE (off, not offered, or no connection left in the budget): this mailbox's own poll interval, in seconds. */
    pollSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict()
  .superRefine(cleartextRule('starttls'));

const smtpSettings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false),
    /** With `secure: false`: STARTTLS is required (no TLS, no mail). */
    requireTLS: z.boolean().default(true),
    /** Needed for plain SMTP (secure and requireTLS both false): the password then goes in clear (docs/mail.md §TLS). */
    allowCleartext: z.boolean().default(false),
    user: z.string().min(1).optional(),
    passwordEnv: secretRef.optional(),
    tls: tlsOptions.default({}),
  })
  .strict()
  .superRefine(cleartextRule('requireTLS'));

const folders = z
  .object({
    inbox: z.string().default('INBOX'),
    processed: z.string().default('Processed'),
    quarantine: z.string().default('Quarantine'),
  })
  .strict();

const policy = z
  .object({
    /** What to do with a document whose PDFs carry no signature (QĐ 1123 Art. 12.2). */
    unsigned: z.enum(['reference', 'refuse']).default('reference'),
    /** What to do when a signature cannot be fully validated (unknown chain, no revocation info). */
    indeterminate: z.enum(['warn', 'hold']).default('warn'),
    /** Refuse mail addressed to this agency by name/code of another agency. */
    wrongRecipient: z.enum(['refuse', 'warn']).default('warn'),
  })
  .strict();

const hostedAgency = z
  .object({
    code: agencyCode,
    name: z.string().min(1),
    /** The official mailbox address (hộp thư công của văn thư). */
    email: z.string().email(),
    imap: imapSettings,
    smtp: smtpSettings,
    folders: folders.default({}),
    policy: policy.default({}),
    /** Agency certificate (PKCS#12) for the agency signature on outgoing documents. */
    certificate: z.object({ p12File: z.string(), passwordEnv: secretRef }).strict().optional(),
    /** Short name used in the notation of outgoing numbers, e.g. SYT in 12/SYT-VP. */
    shortName: z.string().optional(),
    /** Where the register and receipts say this agency sits, e.g. "Vĩnh Long". */
    place: z.string().default('Vĩnh Long'),
    /** Watched folder for outgoing submissions (PDF + same-name .json metadata, or an edXML package); relative to the config file. */
    dropFolder: z.string().optional(),
    /** Where alerts and notices for the clerk go (late sends, overdue receipts, recalls); default: `email`. */
    noticeTo: z.string().email().optional(),
  })
  .strict();

const directoryEntry = z
  .object({
    code: agencyCode,
    name: z.string().min(1),
    emails: z.array(z.string().email()).min(1),
    /** edoc-bridge: runs this gateway; edxml: the full system (speaks edXML); mailbox: a person with a mail client. */
    kind: z.enum(['edoc-bridge', 'edxml', 'mailbox']).default('mailbox'),
  })
  .strict();

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

export const configSchema = z
  .object({
    instance: z
      .object({
        /** Domain of our Message-IDs (<...@domain>): must be ours so reports can be matched. */
        domain: z.string().min(1),
        /** Working-day cut-off for outgoing documents (NĐ 30 Art. 18: at the latest the next working morning). */
        sendCutoff: hhmm.default('11:30'),
        officeStart: hhmm.default('07:30'),
        officeEnd: hhmm.default('17:00'),
      })
      .strict(),
    storage: z
      .object({
        database: z
          .object({
            client: z.enum(['sqlite3', 'pg']).default('sqlite3'),
            /** sqlite3: the database file (relative to the config file). */
            filename: z.string().optional(),
            /** pg: connection string; its password may come from `passwordEnv`. */
            connection: z.string().optional(),
            passwordEnv: secretRef.optional(),
            /** pg: connections per process (docs/operations.md §PostgreSQL). */
            pool: z.number().int().min(3).max(100).optional(),
          })
          .strict()
          .refine(d => (d.client === 'sqlite3' ? !!d.filename : !!d.connection), {
            message: 'sqlite3 needs `filename`; pg needs `connection`',
          }),
        /** Content-addressed store for raw mails and attachments (relative to the config file). */
        blobs: z.string().min(1),
        /** Where blobs live: `files` under `blobs` (the default), or `database` (docs/operations.md §Blobs in the database). */
        blobStore: z.enum(['files', 'database']).default('files'),
      })
      .strict(),
    limits: z
      .object({
        /** Larger mails are quarantined unparsed (raw kept). */
        maxMailBytes: z.number().int().positive().default(60 * 1024 * 1024),
        maxAttachments: z.number().int().positive().default(50),
        /** Processing attempts before a failing mail goes to quarantine. */
        maxAttempts: z.number().int().positive().default(3),
        /**
         * Worker threads that parse mails and check PDFs during intake (0: in the main thread). Worth
         * it with spare cores: on 2 cores shared with the mail server it gained ~5 % and cost memory.
         */
        intakeWorkers: z.number().int().min(0).max(16).default(0),
        /**
         * The budget of preparing one mail (parse, PDF checks, text) in a worker thread; a mail over
         * it is quarantined and the cycle goes on (docs/hostile-input.md §Per-mail isolation).
         * `isolation: inline` prepares in the main thread with no budget (unit tests).
         */
        prepare: z
          .object({
            isolation: z.enum(['worker', 'inline']).default('worker'),
            timeoutMs: z.number().int().positive().default(120_000),
            maxHeapMb: z.number().int().min(64).default(512),
            maxGrowthMb: z.number().int().min(32).default(512),
          })
          .strict()
          .default({}),
        /** Decompression and parsing limits for hostile input (docs/hostile-input.md §Limits). */
        decode: decodeLimits.default({}),
      })
      .strict()
      .default({}),
    /** Several `start` processes on one database share the mailboxes (docs/operations.md §Workers). */
    workers: z
      .object({
        /** How often a worker says it is alive, renews its mailbox claims and its running cycles' leases. */
        heartbeatSeconds: z.number().int().min(1).max(60).default(5),
        /** A worker silent this long loses its mailboxes to the others (takeover within lease + heartbeat). */
        leaseSeconds: z.number().int().min(3).max(600).default(20),
        /** Mailboxes whose intake runs at once, in a cycle and in `run --once` (within the IMAP budget). */
        cycleConcurrency: z.number().int().min(1).max(64).default(4),
        /** Delay between starting two IDLE listeners, so a restart does not log in to every mailbox at once. */
        startStaggerMs: z.number().int().min(0).max(10_000).default(50),
      })
      .strict()
      .refine(w => w.leaseSeconds > w.heartbeatSeconds * 2, { message: 'leaseSeconds must be more than twice heartbeatSeconds' })
      .default({}),
    /** Connection budgets per mail server host (docs/operations.md §Workers): never more connections than these at once. */
    connections: z
      .object({
        /** IMAP connections to one host (IDLE listeners and cycles); a stock Dovecot allows 100 imap processes. */
        imapPerHost: z.number().int().min(1).max(10_000).default(80),
        /** SMTP connections to one host (the outbox's pooled senders). */
        smtpPerHost: z.number().int().min(1).max(1000).default(10),
        /** An SMTP connection idle this long is closed. */
        smtpIdleSeconds: z.number().int().min(1).max(600).default(10),
        /** Per host overrides, by host name: { imap?, smtp? }. */
        hosts: z.record(z.object({ imap: z.number().int().min(1).optional(), smtp: z.number().int().min(1).optional() }).strict()).default({}),
      })
      .strict()
      .default({}),
    /** Malware scanning with ClamAV's clamd (docs/hostile-input.md §Scanning). */
    scan: z
      .object({
        /** off | warn | quarantine; default quarantine when a socket is configured, off when not. */
        mode: z.enum(['off', 'warn', 'quarantine']).optional(),
        /** clamd's LocalSocket (absolute path), e.g. /run/clamav/clamd.ctl. */
        socket: z.string().min(1).optional(),
        /** Deadline for one file's scan, connect to answer. */
        timeoutMs: z.number().int().positive().default(30_000),
        /** A document held for the scanner longer than this since it arrived raises INTAKE_HELD_LONG once (a notice to the clerk). */
        heldWarnAfterMinutes: z.number().int().positive().default(60),
      })
      .strict()
      .refine(s => s.mode === undefined || s.mode === 'off' || !!s.socket, { message: 'scan.mode warn or quarantine needs scan.socket' })
      .transform(s => ({ ...s, mode: s.mode ?? (s.socket ? 'quarantine' : 'off') }))
      .default({}),
    schedules: z
      .object({
        /** Poll fallback when IDLE is off or broken (node-cron syntax, seconds field allowed). */
        poll: z.string().default('*/1 * * * *'),
        outbox: z.string().default('*/1 * * * *'),
        reconcile: z.string().default('*/5 * * * *'),
        digest: z.string().default('0 16 * * 1-5'),
        backup: z.string().default('30 2 * * *'),
        /** The six-monthly report (QĐ 1123 Art. 24) for the half year just ended: 1 January and 1 July. */
        halfYearReport: z.string().default('0 8 1 1,7 *'),
      })
      .strict()
      .default({}),
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8025),
        // Web app (docs/security.md): accounts live in the database (`users add`), API clients use tokens (`tokens create`).
        /** The address people type (e.g. https://vanthu.vinhlong.gov.vn): state changes must come from this origin; default: the Host header's. */
        publicUrl: z.string().url().optional(),
        /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-* (set only when a proxy is in front). */
        trustProxy: z.boolean().default(false),
        /** Env var holding the session-cookie signing secret (≥ 32 characters); default: one generated and kept in the database. */
        sessionSecretEnv: secretRef.optional(),
        /** How long a login lasts, in hours. */
        sessionHours: z.number().positive().max(24 * 14).default(8),
        /** Largest uploaded file (a PDF, a scan, a directory CSV); larger uploads are refused while they stream. */
        maxUploadBytes: z.number().int().positive().default(50 * 1024 * 1024),
        /** Requests per minute from one client address (rate limit); logins have their own, lower limit. */
        rateLimitPerMinute: z.number().int().positive().default(600),
      })
      .strict()
      .default({}),
    trust: z
      .object({
        /** PEM/DER files of trust anchors (Vietnam National Root CA, RootCA chuyên dùng Chính phủ G2). */
        anchors: z.array(z.string()).default([]),
        intermediates: z.array(z.string()).default([]),
        crls: z.array(z.string()).default([]),
        ocsp: z.boolean().default(false),
        /** require: no revocation information → indeterminate (TRY_LATER); soft: a warning only. */
        revocation: z.enum(['require', 'soft']).default('require'),
      })
      .strict()
      .default({}),
    agencies: z.array(hostedAgency).min(1, 'at least one hosted agency is needed'),
    directory: z.array(directoryEntry).default([]),
    /** Optional CSV file of directory entries (code,name,emails,kind), merged after `directory`. */
    directoryCsv: z.string().optional(),
    /** Working-day table (defaults to the packaged config/holidays.yaml). */
    holidays: z.string().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.agencies.forEach((a, i) => {
      if (seen.has(a.code)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['agencies', i, 'code'], message: `duplicate agency code ${a.code}` });
      seen.add(a.code);
    });
  });

export type ConfigFile = z.infer<typeof configSchema>;
export type HostedAgencyConfig = z.infer<typeof hostedAgency>;

/** A hosted agency with its secrets resolved. */
export type HostedAgency = HostedAgencyConfig & {
  imapPassword: string;
  smtpPassword: string | undefined;
  certificatePassword: string | undefined;
};

/** The validated configuration, paths made absolute, secrets resolved. */
export type Config = Omit<ConfigFile, 'agencies'> & {
  agencies: HostedAgency[];
  /** Absolute path of the file this came from (for messages). */
  source: string;
  /** Directory of the config file; relative paths are resolved against it. */
  baseDir: string;
  /**
   * This installation's random id, made at the first start and kept in the database (openApp sets
   * it; '' before): part of every Message-ID we make (docs/mail.md §Message-IDs).
   */
  installation: string;
};
