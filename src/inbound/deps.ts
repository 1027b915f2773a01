import type { Deps } from '../ports.js';
import type { Preparer } from './preparer.js';
import type { PdfVerifier } from './pdf-check.js';

/**
 * What the intake needs besides the database and the ports (the App has all of it): its CPU stage
 * (parse + PDF checks, in worker threads unless `limits.prepare.isolation` is inline), the signature check a
 * scanned paper document goes through, and this process's id (the mailbox lease owner).
 */
export type IntakeDeps = Deps & {
  preparer: Preparer;
  verifier: PdfVerifier;
  /** Unique per process: host:pid:random. */
  workerId: string;
};
