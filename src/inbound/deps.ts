import type { Config, HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import type { Mailbox } from '../io/imap.js';
import type { Clock } from '../io/clock.js';
import type { Log } from '../log.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Preparer } from './preparer.js';
import type { PdfVerifier } from './verify-pdfs.js';

/** Everything the intake pipeline touches, passed in (tests swap the mailbox, clock and verifier). */
export type IntakeDeps = {
  config: Config;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  log: Log;
  openMailbox(agency: HostedAgency): Promise<Mailbox>;
  verifier: PdfVerifier;
  /** The CPU stage (parse + PDF checks), in worker threads unless `limits.intakeWorkers` is 0. */
  preparer: Preparer;
  /** Unique per process: host:pid:random (the mailbox lease owner). */
  workerId: string;
  /**
   * Fault injection for crash tests: called at named points; `EDOC_BRIDGE_FAILPOINT=after-store`
   * makes the process exit there (see test/integration/crash-recovery.test.ts).
   */
  failpoint(name: 'after-store' | 'before-commit' | 'after-commit'): void;
};
