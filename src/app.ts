import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readSmtpPolicy } from './config/policies.js';
import { readSecret } from './config/load.js';
import type { Config } from './config/schema.js';
import { syncAgenciesFromConfig } from './db/agencies.js';
import { migrate, openDb } from './db/connect.js';
import { syncDirectoryCsv } from './directory/import-csv.js';
import type { SmtpPolicy } from './domain/outgoing/smtp-response.js';
import { envFailpoint } from './failpoint.js';
import type { IntakeDeps } from './inbound/deps.js';
import { inProcessPreparer, workerPreparer } from './inbound/preparer.js';
import { loadTrust, signatureVerifier } from './inbound/signature-verifier.js';
import { clamdScanner, noScanner } from './io/clamav.js';
import { systemClock } from './io/clock.js';
import { stampFont } from './io/stamp-font.js';
import { createLog } from './log.js';
import { documentSealer, type Sealer } from './outbound/seal-document.js';
import type { Deps, Ports } from './ports.js';
import { BlobStore } from './store/blob-store.js';
import type { TrustConfig } from './signature/index.js';

/**
 * The composition root: every adapter built once from the config, shared by the CLI and the
 * service. An App is the Deps every pipeline takes (config, database, ports), plus the services
 * some of them need: the intake's CPU stage, the sealer, the SMTP reply policy.
 */
export type App = IntakeDeps & {
  sealer: Sealer;
  smtpPolicy: SmtpPolicy;
  /** The environment the app was opened with (secrets named by the config are read from it). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
};

/**
 * The real mailbox and mailer, their libraries (imapflow, nodemailer) loaded on first use: a
 * command that touches no mail, or a test on fakes, never loads them.
 */
const openImapMailbox: Ports['openMailbox'] = async agency => (await import('./io/imap.js')).openImapMailbox(agency);
const smtpMailerFor: Ports['mailerFor'] = agency => {
  const mailer = import('./io/smtp.js').then(m => m.createSmtpMailer(agency));
  return {
    send: async mail => (await mailer).send(mail),
    close: () => void mailer.then(m => m.close()),
  };
};

/**
 * Open the database (migrating it), the blob store and the logger for a validated config, and
 * build the ports. Tests replace ports (`opts.ports`: a fake mailbox, a fake mailer, a clock).
 */
export async function openApp(config: Config, opts: { ports?: Partial<Ports>; env?: NodeJS.ProcessEnv; migrate?: boolean } = {}): Promise<App> {
  const env = opts.env ?? process.env;
  const ports: Ports = {
    clock: systemClock,
    openMailbox: openImapMailbox,
    mailerFor: smtpMailerFor,
    blobs: new BlobStore(config.storage.blobs),
    fetch: globalThis.fetch,
    // docs/hostile-input.md §Scanning: clamd over its socket; without one, scanning is off.
    scanner: config.scan.socket ? clamdScanner({ socket: config.scan.socket, timeoutMs: config.scan.timeoutMs }) : noScanner,
    log: createLog(env.EDOC_BRIDGE_LOG_LEVEL ?? 'info'),
    failpoint: envFailpoint(env),
    ...opts.ports,
  };
  const { clock, log } = ports;
  const dbPassword = config.storage.database.passwordEnv ? readSecret(config.storage.database.passwordEnv, 'storage.database.passwordEnv', env) : undefined;
  log.info('CONFIG_LOADED', { source: config.source, agencies: config.agencies.map(a => a.code) });
  const db = openDb(config.storage.database, { password: dbPassword });
  let trust: TrustConfig;
  let smtpPolicy: SmtpPolicy;
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(db);
      if (applied.length) log.info('DB_MIGRATED', { applied });
      await syncAgenciesFromConfig(db, config, clock.now());
      if (config.directoryCsv) await syncDirectoryCsv(db, config.directoryCsv, clock.now());
    }
    trust = await loadTrust(config.trust);
    // The SMTP reply policy is data: config/smtp-responses.txt, shipped with the package.
    smtpPolicy = await readSmtpPolicy();
  } catch (err) {
    await db.destroy(); // a failed start must not leave the pool open (it would keep the process alive)
    throw err;
  }
  // OCSP look-ups go through the fetch port; the time of each check is the intake's clock (prepare(raw, now)).
  const verifier = signatureVerifier(trust, ports.fetch);
  // Parse + PDF checks on other cores (worker threads, started on first use), or in this thread.
  const workers = config.limits.intakeWorkers;
  // Each mail is prepared under a budget in a worker thread (docs/hostile-input.md §Per-mail isolation);
  // with intakeWorkers 0 one worker, and no mail prepared ahead.
  const { isolation, ...budget } = config.limits.prepare;
  const preparer =
    isolation === 'inline'
      ? inProcessPreparer(verifier, config.limits.maxAttachments, config.limits.decode)
      : workerPreparer(Math.max(1, workers), trust, config.limits.maxAttachments, budget, { parallel: workers > 0, limits: config.limits.decode });
  const deps: Deps = { config, db, ports };
  return {
    ...deps,
    workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    verifier,
    preparer,
    // The stamp font is read on the first stamp. No timestamp authority is configured yet; one would be
    // `tsa: httpTsa(url, fetchTransport(ports.fetch))` (src/io/tsa-client.ts).
    sealer: documentSealer({ font: () => stampFont() }),
    smtpPolicy,
    env,
    close: async () => {
      await preparer.close();
      await db.destroy();
    },
  };
}
