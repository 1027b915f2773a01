/**
 * The test world: the agencies every test uses, their configuration, and an App on a fresh
 * temporary database. Two kinds of world:
 *   - fake mail (the default): the mailbox and the mailer are in-memory fakes (fake-mailbox.ts,
 *     fake-mailer.ts) and the clock is the test's: fast, no server, every failure scriptable;
 *   - `server: true`: the real IMAP and SMTP adapters against the test Postfix + Dovecot
 *     (scripts/mailserver.sh), for the end-to-end tests in test/integration/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp, type App } from '../../src/app.js';
import { validateConfig } from '../../src/config/load.js';
import type { Config, HostedAgency } from '../../src/config/schema.js';
import type { Clock } from '../../src/io/clock.js';
import { memoryLog } from '../../src/log.js';
import { FakeMailboxes } from './fake-mailbox.js';
import { FakeMailer, rawOf } from './fake-mailer.js';
import { createTestDatabase, premigrate } from './db.js';
import { mailServer, type MailServerEnv } from './mailserver.js';

/** The agencies of the tests: the test mail server has a mailbox for each. */
export const AGENCIES = {
  soyte: { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test', shortName: 'SYT', env: 'SOYTE_IMAP_PASSWORD' },
  ubnd: { code: '000.00.00.H62', name: 'Ủy ban nhân dân tỉnh Vĩnh Long', email: 'vanthu@ubnd.vinhlong.test', shortName: 'UBND', env: 'UBND_IMAP_PASSWORD' },
  stc: { code: '000.00.32.H62', name: 'Sở Tài chính tỉnh Vĩnh Long', email: 'vanthu@stc.vinhlong.test', shortName: 'STC', env: 'STC_IMAP_PASSWORD' },
} as const;
export type AgencyKey = keyof typeof AGENCIES;

/** Short names for unit tests: A sends, B and C receive. */
export const A = AGENCIES.soyte;
export const B = AGENCIES.ubnd;
export const C = AGENCIES.stc;

/** Our Message-ID domain in every test configuration. */
export const DOMAIN = 'edoc.vinhlong.test';

/** A settable clock. */
export function stepClock(start: string | Date): Clock & { set(at: string): void; advance(ms: number): void } {
  let now = new Date(start);
  return { now: () => new Date(now), set: at => (now = new Date(at)), advance: ms => (now = new Date(now.getTime() + ms)) };
}

/** Where the hosted agencies' mail lives: the test server, or an address nobody listens on (fakes do the work). */
function mailSettings(srv: MailServerEnv | undefined, k: AgencyKey): Record<string, unknown> {
  if (!srv) {
    const unreachable = { host: '127.0.0.1', port: 1, user: AGENCIES[k].email, passwordEnv: AGENCIES[k].env };
    return { imap: unreachable, smtp: unreachable };
  }
  const tls = { caFile: srv.caFile, servername: 'localhost' };
  return {
    imap: { host: srv.imapHost, port: srv.imapsPort, secure: true, user: AGENCIES[k].email, passwordEnv: AGENCIES[k].env, tls },
    smtp: { host: srv.smtpHost, port: srv.submissionPort, secure: false, requireTLS: true, user: AGENCIES[k].email, passwordEnv: AGENCIES[k].env, tls },
  };
}

export type ConfigOptions = {
  /** The test mail server (integration tests); without it the mail settings point nowhere. */
  server?: MailServerEnv;
  /** Top-level keys replaced (limits, trust, directory…). */
  overrides?: Record<string, unknown>;
  /** Keys added to one hosted agency (a certificate, a drop folder…). */
  agency?: Partial<Record<AgencyKey, Record<string, unknown>>>;
  /** The database settings; default a SQLite file in `dir` (test/helpers/db.ts makes a PostgreSQL one). */
  database?: Record<string, unknown>;
  /** Where blobs live: `files` (the default) or `database`. */
  blobStore?: 'files' | 'database';
};

/** The raw config object (before validation) for the given hosted agencies; every agency is in the directory. */
export function configObject(dir: string, hosted: AgencyKey[], opts: ConfigOptions = {}): Record<string, unknown> {
  return {
    instance: { domain: DOMAIN },
    storage: { database: opts.database ?? { client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') }, blobs: path.join(dir, 'blobs'), ...(opts.blobStore ? { blobStore: opts.blobStore } : {}) },
    agencies: hosted.map(k => ({
      code: AGENCIES[k].code,
      name: AGENCIES[k].name,
      email: AGENCIES[k].email,
      shortName: AGENCIES[k].shortName,
      ...mailSettings(opts.server, k),
      ...opts.agency?.[k],
    })),
    directory: (Object.keys(AGENCIES) as AgencyKey[]).map(k => ({ code: AGENCIES[k].code, name: AGENCIES[k].name, emails: [AGENCIES[k].email], kind: 'edoc-bridge' })),
    ...opts.overrides,
    // Fake-mail worlds prepare in the test's thread (fast, no worker boot); server worlds as deployed, in budgeted workers.
    ...(opts.server ? {} : { limits: { prepare: { isolation: 'inline' }, ...(opts.overrides?.limits as Record<string, unknown> | undefined) } }),
  };
}

/** The environment the config names: the mailbox passwords (the server's, or any). */
export function worldEnv(srv?: MailServerEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const pw = (address: string) => (srv ? (srv.users.find(u => u.address === address)?.password ?? '') : 'x');
  return { ...process.env, SOYTE_IMAP_PASSWORD: pw(AGENCIES.soyte.email), UBND_IMAP_PASSWORD: pw(AGENCIES.ubnd.email), STC_IMAP_PASSWORD: pw(AGENCIES.stc.email), ...extra };
}

export type World = {
  app: App;
  config: Config;
  dir: string;
  log: ReturnType<typeof memoryLog>;
  /** The fake mailboxes (fake-mail worlds only). */
  mailboxes: FakeMailboxes;
  /** The fake SMTP server (fake-mail worlds only). */
  mailer: FakeMailer;
  /** A hosted agency of the configuration by key. */
  agency(k: AgencyKey): HostedAgency;
  close(): Promise<void>;
};

export type WorldOptions = Omit<ConfigOptions, 'server'> & {
  clock?: Clock;
  /** Use the test mail server (real IMAP and SMTP) instead of the fakes. */
  server?: boolean | MailServerEnv;
  env?: Record<string, string>;
  /** An existing directory (kept on close); default a fresh temporary one (removed on close). */
  dir?: string;
};

/** A new test database in `dir`, already migrated when it is a SQLite file (helpers/db.ts premigrate). */
async function fresh(dir: string): ReturnType<typeof createTestDatabase> {
  const made = await createTestDatabase(dir);
  await premigrate(made.settings);
  return made;
}

/** Open an App on a fresh temporary database for the given hosted agencies. */
export async function openWorld(hosted: AgencyKey[] = ['soyte', 'ubnd'], opts: WorldOptions = {}): Promise<World> {
  const srv = opts.server === true ? mailServer() : opts.server || undefined;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'edoc-world-')));
  const env = worldEnv(srv, opts.env);
  // EDOC_TEST_DB=pg: a fresh PostgreSQL database, dropped on close; else the SQLite file in dir.
  const database = opts.database ? { settings: opts.database, drop: async () => {} } : await fresh(dir);
  const config = validateConfig(configObject(dir, hosted, { ...opts, database: database.settings, server: srv }), { env, source: 'test', baseDir: dir });
  const log = memoryLog();
  const mailboxes = new FakeMailboxes();
  const mailer = new FakeMailer();
  // A small mail network: what the fake server accepts for a hosted agency lands in its fake inbox.
  mailer.deliver = async mail => {
    const to = config.agencies.find(a => a.email.toLowerCase() === mail.to.toLowerCase());
    if (to) mailboxes.of(to.code).deliver(await rawOf(mail));
  };
  const fakes = srv ? {} : { openMailbox: mailboxes.openMailbox, watchMailbox: mailboxes.watchMailbox, mailerFor: mailer.mailerFor };
  const app = await openApp(config, { ports: { log, ...(opts.clock ? { clock: opts.clock } : {}), ...fakes }, env });
  return {
    app,
    config,
    dir,
    log,
    mailboxes,
    mailer,
    agency: k => config.agencies.find(a => a.code === AGENCIES[k].code)!,
    close: async () => {
      await app.close();
      await database.drop();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A one-page PDF with Vietnamese text. */
export async function pdf(text = 'Số: ... /SYT-VP'): Promise<Buffer> {
  // pdf-lib and fontkit load only in the tests that make a PDF.
  const { makePdf } = await import('../fixtures/pdf/make-pdf.js');
  return makePdf([['SỞ Y TẾ TỈNH VĨNH LONG', text, 'V/v thử nghiệm gửi văn bản điện tử']]);
}
