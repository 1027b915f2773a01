import { z } from 'zod';

/**
 * The parts of the configuration that describe one mailbox: a hosted agency (its IMAP and SMTP
 * settings, folders, policy) and a directory entry. Part of the schema in schema.ts.
 */

/** QCVN 102:2016 (`000.00.31.H62`) or QĐ 20/2020 (up to 35 chars of [0-9A-Z.]) agency code. */
export const agencyCode = z
  .string()
  .regex(/^(?=.{1,35}$)[0-9A-Z]+(\.[0-9A-Z]+)*$/, 'must be an agency code such as 000.00.31.H62 (QCVN 102:2016) or H55.242 (QĐ 20/2020)');

export const secretRef = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable (UPPER_CASE)');
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

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

export const hostedAgency = z
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

export const directoryEntry = z
  .object({
    code: agencyCode,
    name: z.string().min(1),
    emails: z.array(z.string().email()).min(1),
    /** edoc-bridge: runs this gateway; edxml: the full system (speaks edXML); mailbox: a person with a mail client. */
    kind: z.enum(['edoc-bridge', 'edxml', 'mailbox']).default('mailbox'),
  })
  .strict();
