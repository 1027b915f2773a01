import type { Config } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import type { Clock } from '../io/clock.js';
import type { Log } from '../log.js';
import type { BlobStore } from '../store/blob-store.js';

/** What the outgoing side (submission, recall, clerk status, reconciliation) touches; the App has all of it. */
export type OutgoingDeps = {
  config: Config;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  log: Log;
  /**
   * Fault injection for crash tests (EDOC_BRIDGE_FAILPOINT, like inbound/deps.ts): 'after-submit'
   * exits right after the submission transaction committed, before anything is sent.
   */
  failpoint?(name: 'after-submit'): void;
};
