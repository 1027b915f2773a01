import { z } from 'zod';
import { directoryEntry, hhmm, hostedAgency, secretRef } from './agency-schema.js';
import { decodeLimits } from './decode-limits.js';

export { agencyCode } from './agency-schema.js';
export { decodeLimits, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode-limits.js';

/**
 * The configuration file, as a schema: this is its documentation (README "Configuration"
 * points here). Secrets never appear in the file itself: a `*Env` key names an environment
 * variable, which may instead be given as a file path in `<NAME>_FILE` (Directus habit).
 */
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
