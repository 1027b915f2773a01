import type { Config, HostedAgency } from './config/schema.js';
import type { Db } from './db/connect.js';
import type { Scanner } from './io/clamav.js';
import type { Clock } from './io/clock.js';
import type { Mailbox } from './io/imap.js';
import type { MailboxWatch, WatchEvents } from './io/imap-watch.js';
import type { Mailer } from './io/smtp.js';
import type { Log } from './log.js';
import type { Blobs } from './store/blob-store.js';

/**
 * The named points where a crash matters (tests kill the process there: EDOC_BRIDGE_FAILPOINT):
 *   after-store        intake: the raw mail is kept, nothing decided yet
 *   while-preparing    intake: the attempt counted, the mail being prepared (parse, PDF checks)
 *   before-commit      intake: everything prepared, the register transaction not begun
 *   after-commit       intake: committed, the mail still in the inbox
 *   after-submit       outgoing: the submission committed, nothing sent
 *   after-smtp-accept  outbox: the server said 250, the row not yet marked sent
 */
export type FailpointName = 'after-store' | 'while-preparing' | 'before-commit' | 'after-commit' | 'after-submit' | 'after-smtp-accept';

/**
 * Everything the pipelines do to the world outside the database, built once in the composition
 * root (app.ts) and swapped by tests (test/helpers/world.ts: a fake mailbox, a fake mailer, a
 * stepping clock). Pure code never sees these: it gets Buffers, dates and data.
 */
export type Ports = {
  clock: Clock;
  /** The agency's official mailbox (IMAP). */
  openMailbox(agency: HostedAgency): Promise<Mailbox>;
  /** An IMAP IDLE listener on a folder (io/imap.ts watchMailbox): `onNew` on new mail; lends its connection to the mailbox's cycle. */
  watchMailbox(agency: HostedAgency, folder: string, onNew: () => void, onError: (err: unknown) => void, events?: WatchEvents): MailboxWatch;
  /** An SMTP sender through the agency's own mailbox; the caller closes it. */
  mailerFor(agency: HostedAgency): Mailer;
  blobs: Blobs;
  /** HTTP for revocation checks (OCSP) and timestamps (TSA). */
  fetch: typeof globalThis.fetch;
  log: Log;
  /** The malware scanner (clamd, io/clamav.ts) documents are scanned with before they are registered, when `scan.mode` is not off. */
  scanner: Scanner;
  /** Crash tests: exits the process at the named point when asked to; a no-op otherwise. */
  failpoint(name: FailpointName): void;
};

/**
 * What every pipeline and command is given: the validated configuration, the database and the
 * ports. The App (app.ts) is one; a pipeline that needs more says so in its parameter type
 * (the intake: its CPU stage; the outbox: the SMTP reply policy).
 */
export type Deps = { config: Config; db: Db; ports: Ports };
