/** An App on a temporary SQLite for unit tests of the outgoing side (no mail server: nothing is sent). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp, type App } from '../../src/app.js';
import { validateConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/io/clock.js';
import { memoryLog } from '../../src/log.js';
import { makePdf } from '../fixtures/pdf/make-pdf.js';

export const A = { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test' };
export const B = { code: '000.00.00.H62', name: 'Ủy ban nhân dân tỉnh Vĩnh Long', email: 'vanthu@ubnd.vinhlong.test' };
export const C = { code: '000.00.32.H62', name: 'Sở Tài chính tỉnh Vĩnh Long', email: 'vanthu@stc.vinhlong.test' };
export const DOMAIN = 'edoc.vinhlong.test';

/** A settable clock. */
export function stepClock(start: string): Clock & { set(at: string): void; advance(ms: number): void } {
  let now = new Date(start);
  return { now: () => new Date(now), set: at => (now = new Date(at)), advance: ms => (now = new Date(now.getTime() + ms)) };
}

export type UnitApp = { app: App; log: ReturnType<typeof memoryLog>; close(): Promise<void> };

/** Open an App hosting A and B, with C in the directory; fake mail settings (never contacted). */
export async function openUnitApp(clock: Clock, hosted = [A, B], opts: { agencyExtra?: Record<string, unknown>; env?: Record<string, string>; dir?: string } = {}): Promise<UnitApp> {
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'edoc-out-')));
  const env = { X_PASSWORD: 'x', ...opts.env };
  const mail = { host: '127.0.0.1', port: 1, user: 'x', passwordEnv: 'X_PASSWORD' };
  const config = validateConfig(
    {
      instance: { domain: DOMAIN },
      storage: { database: { client: 'sqlite3', filename: path.join(dir, 'db.sqlite') }, blobs: path.join(dir, 'blobs') },
      agencies: hosted.map(a => ({ ...a, shortName: a === A ? 'SYT' : 'UBND', imap: mail, smtp: mail, ...(a === A ? opts.agencyExtra : {}) })),
      directory: [A, B, C].map(a => ({ code: a.code, name: a.name, emails: [a.email], kind: 'edoc-bridge' })),
    },
    { env, source: 'test', baseDir: dir },
  );
  const log = memoryLog();
  const app = await openApp(config, { ports: { clock, log }, env });
  return { app, log, close: async () => { await app.close(); await rm(dir, { recursive: true, force: true }); } };
}

/** A one-page PDF. */
export function pdf(text = 'Số: ... /SYT-VP'): Promise<Buffer> {
  return makePdf([['SỞ Y TẾ TỈNH VĨNH LONG', text, 'V/v thử nghiệm gửi văn bản điện tử']]);
}
