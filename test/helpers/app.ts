/**
 * A real App (SQLite file, blob store, real IMAP/SMTP adapters) wired to the test mail server,
 * one temporary directory per call. Agencies map to the server's mailboxes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp, type App } from '../../src/app.js';
import { validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Clock } from '../../src/io/clock.js';
import { memoryLog } from '../../src/log.js';
import { mailServer, type MailServerEnv } from './mailserver.js';

/** The agencies of the test server: code, name, mailbox user. */
export const AGENCIES = {
  soyte: { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test', env: 'SOYTE_IMAP_PASSWORD' },
  ubnd: { code: '000.00.00.H62', name: 'Ủy ban nhân dân tỉnh Vĩnh Long', email: 'vanthu@ubnd.vinhlong.test', env: 'UBND_IMAP_PASSWORD' },
  stc: { code: '000.00.32.H62', name: 'Sở Tài chính tỉnh Vĩnh Long', email: 'vanthu@stc.vinhlong.test', env: 'STC_IMAP_PASSWORD' },
} as const;
export type AgencyKey = keyof typeof AGENCIES;

/** The raw config object (before validation) for the given hosted agencies. */
export function testConfigObject(srv: MailServerEnv, dir: string, hosted: AgencyKey[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: { client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') }, blobs: path.join(dir, 'blobs') },
    agencies: hosted.map(k => ({
      code: AGENCIES[k].code,
      name: AGENCIES[k].name,
      email: AGENCIES[k].email,
      imap: { host: srv.imapHost, port: srv.imapsPort, secure: true, user: AGENCIES[k].email, passwordEnv: AGENCIES[k].env, tls: { caFile: srv.caFile, servername: 'localhost' } },
      smtp: { host: srv.smtpHost, port: srv.submissionPort, secure: false, requireTLS: true, user: AGENCIES[k].email, passwordEnv: AGENCIES[k].env, tls: { caFile: srv.caFile, servername: 'localhost' } },
      ...((overrides.agency as Record<string, unknown>) ?? {}),
    })),
    directory: (Object.keys(AGENCIES) as AgencyKey[]).map(k => ({ code: AGENCIES[k].code, name: AGENCIES[k].name, emails: [AGENCIES[k].email], kind: 'edoc-bridge' })),
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => k !== 'agency')),
  };
}

/** Passwords of the test mailboxes, as the env the config names. */
export function testEnv(srv: MailServerEnv): NodeJS.ProcessEnv {
  const pw = (address: string) => srv.users.find(u => u.address === address)?.password ?? '';
  return { ...process.env, SOYTE_IMAP_PASSWORD: pw(AGENCIES.soyte.email), UBND_IMAP_PASSWORD: pw(AGENCIES.ubnd.email), STC_IMAP_PASSWORD: pw(AGENCIES.stc.email) };
}

export type TestApp = { app: App; config: Config; dir: string; log: ReturnType<typeof memoryLog>; close(): Promise<void> };

/** Open an App on a fresh temporary database for the given hosted agencies. */
export async function openTestApp(hosted: AgencyKey[], opts: { clock?: Clock; overrides?: Record<string, unknown>; dir?: string } = {}): Promise<TestApp> {
  const srv = mailServer();
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'edoc-test-')));
  const env = testEnv(srv);
  const config = validateConfig(testConfigObject(srv, dir, hosted, opts.overrides), { env, source: 'test', baseDir: dir });
  const log = memoryLog();
  const app = await openApp(config, { ports: { ...(opts.clock ? { clock: opts.clock } : {}), log }, env });
  return {
    app,
    config,
    dir,
    log,
    close: async () => {
      await app.close();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
