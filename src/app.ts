import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Config } from './config/schema.js';
import { loadSmtpPolicy } from './domain/outgoing/smtp-response.js';
import { packagePath } from './paths.js';
import { readSecret } from './config/load.js';
import { syncAgenciesFromConfig } from './db/agencies.js';
import { syncDirectoryCsv } from './directory/import-csv.js';
import { migrate, openDb, type Db } from './db/connect.js';
import type { IntakeDeps } from './inbound/deps.js';
import { envFailpoint } from './failpoint.js';
import type { PdfVerifier } from './inbound/verify-pdfs.js';
import { loadTrust, signatureVerifier } from './inbound/signature-verifier.js';
import { inProcessPreparer, workerPreparer } from './inbound/preparer.js';
import { systemClock, type Clock } from './io/clock.js';
import { openImapMailbox } from './io/imap.js';
import { createSmtpMailer } from './io/smtp.js';
import { createLog, type Log } from './log.js';
import type { OutboxDeps } from './outbound/send-outbox.js';
import { BlobStore } from './store/blob-store.js';

/** The composition root: every adapter built once from the config, shared by CLI and service. */
export type App = {
  config: Config;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  log: Log;
  workerId: string;
  verifier: PdfVerifier;
  /** The environment the app was opened with (secrets named by the config are read from it). */
  env: NodeJS.ProcessEnv;
  intakeDeps(): IntakeDeps;
  outboxDeps(): OutboxDeps;
  close(): Promise<void>;
};

/** Open the database (migrating it), the blob store and the logger for a validated config. */
export async function openApp(config: Config, opts: { clock?: Clock; log?: Log; env?: NodeJS.ProcessEnv; migrate?: boolean } = {}): Promise<App> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? createLog(env.EDOC_BRIDGE_LOG_LEVEL ?? 'info');
  const clock = opts.clock ?? systemClock;
  const dbPassword = config.storage.database.passwordEnv ? readSecret(config.storage.database.passwordEnv, 'storage.database.passwordEnv', env) : undefined;
  log.info('CONFIG_LOADED', { source: config.source, agencies: config.agencies.map(a => a.code) });
  const db = openDb(config.storage.database, { password: dbPassword });
  let trust: Awaited<ReturnType<typeof loadTrust>>;
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(db);
      if (applied.length) log.info('DB_MIGRATED', { applied });
      await syncAgenciesFromConfig(db, config, clock.now());
      if (config.directoryCsv) await syncDirectoryCsv(db, config.directoryCsv, clock.now());
    }
    trust = await loadTrust(config.trust);
  } catch (err) {
    await db.destroy(); // a failed start must not leave the pool open (it would keep the process alive)
    throw err;
  }
  const blobs = new BlobStore(config.storage.blobs);
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const verifier = signatureVerifier(trust);
  // Parse + PDF checks on other cores (worker threads, started on first use), or in this thread.
  const workers = config.limits.intakeWorkers;
  const preparer = workers > 0 ? workerPreparer(workers, trust, config.limits.maxAttachments) : inProcessPreparer(verifier, config.limits.maxAttachments);
  // The SMTP reply policy is data: config/smtp-responses.txt (the embedded copy if it is absent).
  const smtpPolicy = await readFile(packagePath('config', 'smtp-responses.txt'), 'utf8').then(
    text => loadSmtpPolicy(text, 'config/smtp-responses.txt'),
    () => loadSmtpPolicy(),
  );
  const app: App = {
    config,
    db,
    blobs,
    clock,
    log,
    workerId,
    verifier,
    env,
    intakeDeps: () => ({ config, db, blobs, clock, log, workerId, verifier, preparer, openMailbox: openImapMailbox, failpoint: envFailpoint(env) }),
    outboxDeps: () => ({ config, db, blobs, clock, log, mailerFor: createSmtpMailer, smtpPolicy }),
    close: async () => {
      await preparer.close();
      await db.destroy();
    },
  };
  return app;
}
