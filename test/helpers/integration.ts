/**
 * Scaffolding shared by the integration tests (real Postfix + Dovecot): the typed ava `test` with
 * the server check and a mailbox reset before each test, reading a folder back, and the gateway
 * cycle (src/cycle.ts runCycle, the same as `run --once` and the service).
 */
import anyTest, { type TestFn } from 'ava';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { runCycle } from '../../src/cycle.js';
import type { World } from './world.js';
import { imapClientOptions, mailServerTest, resetMailboxes } from './mailserver.js';

/**
 * ava's `test` for a serial integration file: every test declared skipped (saying why) when the
 * server is missing; otherwise the mailboxes are reset before each test and the app closed after it.
 */
export async function integrationTest(): Promise<TestFn<{ t?: World }>> {
  const test = await mailServerTest(anyTest as TestFn<{ t?: World }>);
  test.beforeEach(async () => {
    await resetMailboxes();
  });
  test.afterEach.always(async t => {
    await t.context.t?.close();
  });
  return test;
}

/** Every message of a mailbox folder, parsed (two-phase: fetch all, then parse). */
export async function fetchAllParsed(address: string, folder = 'INBOX'): Promise<ParsedMail[]> {
  const client = new ImapFlow(imapClientOptions(address));
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: Buffer[] = [];
      if (client.mailbox && client.mailbox.exists > 0) for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!);
      return Promise.all(out.map(s => simpleParser(s)));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** One gateway cycle (src/cycle.ts) for the hosted mailboxes (all, or the given ones); a stage that failed fails the test. */
export async function cycle(ta: World, agencies = ta.config.agencies): Promise<void> {
  const report = await runCycle(ta.app, { agencies });
  if (report.errors.length) throw new Error(`cycle failed: ${report.errors.join('; ')}`);
}

/** Cycle until `done` holds (mail takes a moment through Postfix); fails after `max` cycles. */
export async function cycleUntil(ta: World, done: () => Promise<boolean>, what: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await cycle(ta);
    if (await done()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`not reached after ${max} cycles: ${what}`);
}
