import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { readSmtpPolicy } from './config/policies.js';
import { readSecret } from './config/load.js';
import type { Config } from './config/schema.js';
import { syncAgenciesFromConfig } from './db/agencies.js';
import { settingOrCreate } from './db/web-settings.js';
import { migrate, openDb } from './db/connect.js';
import { syncDirectoryCsv } from './directory/import-csv.js';
import type { SmtpPolicy } from './domain/outgoing/smtp-response.js';
import { envFailpoint } from './failpoint.js';
import type { IntakeDeps } from './inbound/deps.js';
import { inProcessPreparer, workerPreparer } from './inbound/preparer.js';
import { loadTrust, signatureVerifier } from './inbound/signature-verifier.js';
import { clamdScanner, noScanner } from './io/clamav.js';
import { systemClock } from './io/clock.js';
import { hostBudget, type HostBudget } from './io/host-budget.js';
import type { Mailbox } from './io/imap.js';
import { smtpPool, type SmtpPool } from './io/smtp-pool.js';
import { stampFont } from './io/stamp-font.js';
import { createLog } from './log.js';
import { documentSealer, type Sealer } from './outbound/seal-document.js';
import type { Deps, Ports } from './ports.js';
import { BlobStore } from './store/blob-store.js';
import { DbBlobStore } from './db/blob-table.js';
import type { TrustConfig } from './signature/index.js';

/**
 * The composition root: every adapter built once from the config, shared by the CLI and the
 * service. An App is the Deps every pipeline takes (config, database, ports), plus the services
 * some of them need: the intake's CPU stage, the sealer, the SMTP reply policy.
 */
export type App = IntakeDeps & {
  sealer: Sealer;
  smtpPolicy: SmtpPolicy;
  /** Connection budgets per mail host (docs/operations.md §Workers): IMAP (cycles, IDLE listeners) and the outbox's SMTP pool. */
  connections: { imap: HostBudget; smtp: HostBudget; smtpPool: SmtpPool };
  /** The environment the app was opened with (secrets named by the config are read from it). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
};

/**
 * The real mailbox and mailer, their libraries (imapflow, nodemailer) loaded on first use: a
 * command that touches no mail, or a test on fakes, never loads them.
 */
const openImapMailbox = (log: Ports['log']): Ports['openMailbox'] => async agency => (await import('./io/imap.js')).openImapMailbox(agency, log);
const watchImapMailbox = (log: Ports['log']): Ports['watchMailbox'] => (agency, folder, onNew, onError, events) => {
  const watch = import('./io/imap-watch.js').then(m => m.watchMailbox(agency, folder, onNew, onError, events, log));
  return { stop: async () => (await watch).stop(), lend: async () => (await watch).lend() };
};
const smtpMailerFor: Ports['mailerFor'] = agency => {
  const mailer = import('./io/smtp.js').then(m => m.createSmtpMailer(agency));
  return {
    send: async mail => (await mailer).send(mail),
    close: () => void mailer.then(m => m.close()),
  };
};

/** Every start says which mailboxes talk without TLS (docs/mail.md §TLS): the operator allowed it, and is reminded. */
function warnCleartext(config: Config, log: Ports['log']): void {
  for (const a of config.agencies) {
    if (!a.imap.secure && !a.imap.starttls) log.warn('MAIL_CLEARTEXT', { agency: a.code, protocol: 'imap', host: a.imap.host, port: a.imap.port });
    if (!a.smtp.secure && !a.smtp.requireTLS) log.warn('MAIL_CLEARTEXT', { agency: a.code, protocol: 'smtp', host: a.smtp.host, port: a.smtp.port });
  }
}

/** Opening a mailbox waits for a slot of its host's IMAP budget, given back when it closes (or fails to open). */
function budgetedOpen(open: Ports['openMailbox'], budget: HostBudget): Ports['openMailbox'] {
  return async agency => {
    const release = await budget.acquire(agency.imap.host);
    let mailbox: Mailbox;
    try {
      mailbox = await open(agency);
    } catch (err) {
      release();
      throw err;
    }
    return {
      ...mailbox,
      close: async () => {
        try {
          await mailbox.close();
        } finally {
          release();
        }
      },
    };
  };
}

/**
 * Open the database (migrating it), the blob store and the logger for a validated config, and
 * build the ports. Tests replace ports (`opts.ports`: a fake mailbox, a fake mailer, a clock).
 */
export async function openApp(config: Config, opts: { ports?: Partial<Ports>; env?: NodeJS.ProcessEnv; migrate?: boolean } = {}): Promise<App> {
  const env = opts.env ?? process.env;
  const baseLog = opts.ports?.log ?? createLog(env.EDOC_BRIDGE_LOG_LEVEL ?? 'info');
  // Every connection to a mail host is counted against its budget, the fakes' too (docs/operations.md §Workers).
  const { connections: c } = config;
  const imap = hostBudget(host => c.hosts[host]?.imap ?? c.imapPerHost);
  const smtp = hostBudget(host => c.hosts[host]?.smtp ?? c.smtpPerHost);
  const pool = smtpPool(opts.ports?.mailerFor ?? smtpMailerFor, smtp, c.smtpIdleSeconds * 1000);
  const ports: Ports = {
    clock: systemClock,
    watchMailbox: watchImapMailbox(baseLog),
    blobs: new BlobStore(config.storage.blobs),
    fetch: globalThis.fetch,
    // docs/hostile-input.md §Scanning: clamd over its socket; without one, scanning is off.
    scanner: config.scan.socket ? clamdScanner({ socket: config.scan.socket, timeoutMs: config.scan.timeoutMs }) : noScanner,
    log: baseLog,
    failpoint: envFailpoint(env),
    ...opts.ports,
    openMailbox: budgetedOpen(opts.ports?.openMailbox ?? openImapMailbox(baseLog), imap),
    mailerFor: pool.mailerFor,
  };
  const { clock, log } = ports;
  const dbPassword = config.storage.database.passwordEnv ? readSecret(config.storage.database.passwordEnv, 'storage.database.passwordEnv', env) : undefined;
  log.info('CONFIG_LOADED', { source: config.source, agencies: config.agencies.map(a => a.code) });
  warnCleartext(config, log);
  const db = openDb(config.storage.database, { password: dbPassword });
  // Blobs in the database (docs/operations.md §Blobs in the database) need the handle; a test's own blobs port wins.
  if (config.storage.blobStore === 'database' && !opts.ports?.blobs) ports.blobs = new DbBlobStore(db, () => clock.now());
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
  // with intakeWorkers 0 one worker; mails are prepared ahead there while this thread commits.
  const { isolation, ...budget } = config.limits.prepare;
  const preparer =
    isolation === 'inline'
      ? inProcessPreparer(verifier, config.limits.maxAttachments, config.limits.decode)
      : workerPreparer(Math.max(1, workers), trust, config.limits.maxAttachments, budget, { limits: config.limits.decode });
  // Random, made at the first start, kept in the database: every Message-ID carries it (docs/mail.md §Message-IDs).
  const installation = await settingOrCreate(db, 'installation_id', () => randomBytes(8).toString('hex'));
  const deps: Deps = { config: { ...config, installation }, db, ports };
  return {
    ...deps,
    workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    verifier,
    preparer,
    // The stamp font is read on the first stamp. No timestamp authority is configured yet; one would be
    // `tsa: httpTsa(url, fetchTransport(ports.fetch))` (src/io/tsa-client.ts).
    sealer: documentSealer({ font: () => stampFont() }),
    smtpPolicy,
    connections: { imap, smtp, smtpPool: pool },
    env,
    close: async () => {
      pool.closeAll();
      await preparer.close();
      await db.destroy();
    },
  };
}
