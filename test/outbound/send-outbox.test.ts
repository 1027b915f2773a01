/**
 * The outbox against a scriptable SMTP server (test/helpers/fake-mailer.ts): 250, 4xx, 5xx and
 * dropped connections, classified by config/smtp-responses.txt, retried by the retry table,
 * recorded as columns and turned into recipient events. test/integration/outgoing*.test.ts run the
 * same through the real Postfix.
 */
import anyTest, { type TestFn } from 'ava';
import { enqueue } from '../../src/db/outbox.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { recordSends } from '../../src/reconcile/record-sends.js';
import type { FailpointName } from '../../src/ports.js';
import { reply } from '../helpers/fake-mailer.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ w: World; clock: ReturnType<typeof stepClock> }>;

test.beforeEach(async t => {
  t.context.clock = stepClock('2026-11-20T03:00:00Z');
  t.context.w = await openWorld(['soyte', 'ubnd'], { clock: t.context.clock });
});
test.afterEach.always(async t => t.context.w?.close());

/** A document from A to B (hosted) and C (a correspondent). */
async function submit(w: World): Promise<void> {
  await submitDocument(w.app, { agencyCode: A.code, to: [B.code, C.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ summary: 'V/v thử gửi' }), source: 'cli' });
}
const outboxTo = async (w: World, address: string) => w.app.db('outbox').where({ to_address: address }).first();
const recipient = async (w: World, address: string) => w.app.db('outgoing_recipients').where({ address }).first();

test('250: sent once with its Message-ID and DSN envelope id, recorded, the recipients sent; the connection closed', async t => {
  const { w } = t.context;
  await submit(w);
  t.deepEqual(await runOutbox(w.app), { sent: 2, deferred: 0, failed: 0 });
  t.is(w.mailer.open, 0);
  const rB = await recipient(w, B.email);
  const toB = w.mailer.sent.find(m => m.to === B.email)!;
  t.is(toB.messageId, rB.message_id);
  t.is(toB.dsn?.envid, rB.envid);
  t.true(toB.requestReadReceipt);
  t.deepEqual(await recordSends(w.app), { sent: 2, failed: 0 });
  t.is((await recipient(w, C.email)).status, 'sent');
  t.deepEqual(await runOutbox(w.app), { sent: 0, deferred: 0, failed: 0 }, 'nothing twice');
});

test('4xx: deferred by the retry table with its category as columns; not sent early; sent once due', async t => {
  const { w, clock } = t.context;
  w.mailer.script(C.email, reply.transient('451 4.3.0 Mail server temporarily rejected message'));
  await submit(w);
  t.deepEqual(await runOutbox(w.app), { sent: 1, deferred: 1, failed: 0 });
  const row = await outboxTo(w, C.email);
  t.deepEqual([row.state, row.last_category, row.last_action, row.attempts], ['deferred', 'transient', 'retry', 1]);
  t.regex(row.last_error, /^451 4\.3\.0/);
  t.is(row.next_attempt_at, '2026-11-20T03:02:00.000Z', 'retry table: 2 minutes after the first failure');
  t.deepEqual(await runOutbox(w.app), { sent: 0, deferred: 0, failed: 0 }, 'not due yet');
  clock.advance(2 * 60_000);
  t.deepEqual(await runOutbox(w.app), { sent: 1, deferred: 0, failed: 0 });
  t.deepEqual([(await outboxTo(w, C.email)).state, (await outboxTo(w, C.email)).attempts], ['sent', 2]);
  t.deepEqual(w.mailer.attempts.filter(a => a.to === C.email).length, 2);
});

test('5xx at RCPT: failed at once, category from the policy table; the recipient bounces with the enhanced status', async t => {
  const { w } = t.context;
  w.mailer.script(C.email, reply.permanent('550 5.1.1 <vanthu@stc.vinhlong.test>: Recipient address rejected: User unknown'));
  await submit(w);
  t.deepEqual(await runOutbox(w.app), { sent: 1, deferred: 0, failed: 1 });
  const row = await outboxTo(w, C.email);
  t.deepEqual([row.state, row.last_category, row.last_action], ['failed', 'recipient', 'fail']);
  t.deepEqual(await recordSends(w.app), { sent: 1, failed: 1 });
  const rC = await recipient(w, C.email);
  t.deepEqual([rC.status, rC.last_code], ['bounced', '5.1.1']);
  t.regex(rC.last_note, /User unknown/);
  t.true((await w.app.db('events').where({ event: 'OUTBOX_FAILED' })).length === 1);
});

test('a dropped connection is a network failure: deferred, retried', async t => {
  const { w } = t.context;
  w.mailer.scriptDefault(reply.disconnect('ECONNECTION'), reply.disconnect('ECONNECTION'));
  await submit(w);
  t.deepEqual(await runOutbox(w.app), { sent: 0, deferred: 2, failed: 0 });
  const row = await outboxTo(w, B.email);
  t.deepEqual([row.last_category, row.last_action], ['network', 'retry']);
});

test('the retry table gives up after three days: failed with action retry, and the recipient expires (not bounced)', async t => {
  const { w, clock } = t.context;
  w.mailer.script(C.email, ...Array.from({ length: 40 }, () => reply.transient()));
  await submit(w);
  for (let i = 0; i < 40 && (await outboxTo(w, C.email)).state !== 'failed'; i++) {
    await runOutbox(w.app);
    clock.advance(12 * 3600_000);
  }
  const row = await outboxTo(w, C.email);
  t.deepEqual([row.state, row.last_category, row.last_action], ['failed', 'transient', 'retry']);
  await recordSends(w.app);
  t.is((await recipient(w, C.email)).status, 'expired');
  t.is((await recipient(w, B.email)).status, 'sent');
});

test('a row of an agency that is no longer hosted fails without a connection, category configuration', async t => {
  const { w } = t.context;
  await enqueue(w.app.db, { agencyCode: C.code, kind: 'notice', dedupeKey: 'orphan', messageId: '<orphan@x>', to: 'a@b.vn', subject: 's', message: { from: { name: 'x', address: C.email }, text: 't', headers: {}, attachments: [] }, priority: 0 }, t.context.clock.now());
  t.deepEqual(await runOutbox(w.app), { sent: 0, deferred: 0, failed: 1 });
  const row = await w.app.db('outbox').where({ dedupe_key: 'orphan' }).first();
  t.deepEqual([row.last_category, row.last_action], ['configuration', 'fail']);
  t.deepEqual(w.mailer.attempts, []);
});

test('the after-smtp-accept failpoint sits between the server’s 250 and the row marked sent', async t => {
  const { w } = t.context;
  const seen: Array<{ name: FailpointName; accepted: number }> = [];
  w.app.ports.failpoint = name => void seen.push({ name, accepted: w.mailer.sent.length });
  await submit(w);
  seen.length = 0;
  await runOutbox(w.app);
  t.deepEqual(seen.map(s => s.name), ['after-smtp-accept', 'after-smtp-accept']);
  t.true(seen.every(s => s.accepted >= 1));
});

test('many receipts: sends overlap up to the SMTP budget, never more connections than it (docs/operations.md §Many mailboxes)', async t => {
  const { w } = t.context;
  for (let i = 0; i < 12; i++)
    await enqueue(w.app.db, { agencyCode: A.code, kind: 'notice', dedupeKey: `many-${i}`, messageId: `<many-${i}@x>`, to: `r${i}@b.vn`, subject: 's', message: { from: { name: 'x', address: A.email }, text: 't', headers: {}, attachments: [] }, priority: 0 }, t.context.clock.now());
  // Each accepted send waits until 6 are in flight at once (or a generous while): 3 senders never get there.
  let inFlight = 0;
  let peak = 0;
  let waiting: Array<() => void> = [];
  w.mailer.deliver = async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise<void>(resolve => {
      waiting.push(resolve);
      if (waiting.length >= 6) {
        waiting.forEach(r => r());
        waiting = [];
      } else setTimeout(resolve, 3000);
    });
    inFlight--;
  };
  t.deepEqual(await runOutbox(w.app), { sent: 12, deferred: 0, failed: 0 });
  t.true(peak >= 6, `sends at once: ${peak}`);
  const host = w.agency('soyte').smtp.host;
  t.true(w.app.connections.smtp.peak(host) >= 6 && w.app.connections.smtp.peak(host) <= w.app.config.connections.smtpPerHost, `connections: ${w.app.connections.smtp.peak(host)}`);
  t.is(w.mailer.open, 0);
});
