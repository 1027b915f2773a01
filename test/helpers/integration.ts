/**
 * Scaffolding shared by the integration tests (real Postfix + Dovecot): the typed ava `test` with
 * the server check and a mailbox reset before each test, reading a folder back, and the full
 * gateway cycle (intake → reconcile → outbox → record sends).
 */
import anyTest, { type TestFn } from 'ava';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { runReconcile } from '../../src/reconcile/pipeline.js';
import { recordSends } from '../../src/reconcile/record-sends.js';
import type { TestApp } from './app.js';
import { imapClientOptions, requireMailServer, resetMailboxes } from './mailserver.js';

/** ava's `test` for a serial integration file: fails without the server, resets mailboxes, closes the app. */
export function integrationTest(): TestFn<{ t?: TestApp }> {
  const test = anyTest as TestFn<{ t?: TestApp }>;
  test.before(async t => {
    await requireMailServer(t);
  });
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

/** One full cycle for the hosted mailboxes (all, or the given ones): intake → reconcile → outbox → record the sends. */
export async function cycle(ta: TestApp, agencies = ta.config.agencies): Promise<void> {
  for (const agency of agencies) await runIntakeCycle(ta.app.intakeDeps(), agency);
  await runReconcile(ta.app);
  await runOutbox(ta.app.outboxDeps());
  await recordSends(ta.app);
}

/** Cycle until `done` holds (mail takes a moment through Postfix); fails after `max` cycles. */
export async function cycleUntil(ta: TestApp, done: () => Promise<boolean>, what: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await cycle(ta);
    if (await done()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`not reached after ${max} cycles: ${what}`);
}
