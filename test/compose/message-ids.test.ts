/**
 * Unique Message-IDs everywhere (docs/mail.md §Message-IDs): two fresh databases answer the same
 * mail with different ids (their installation ids differ), and a resend keeps its own.
 */
import test from 'ava';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { runOutbox } from '../../src/outbound/send-outbox.js';
import { expireClaims, makeDue } from '../helpers/factories.js';
import { documentMail } from '../helpers/documents.js';
import { reply } from '../helpers/fake-mailer.js';
import { A, B, openWorld } from '../helpers/world.js';

/** A fresh database takes in one document mail and sends its receipts: their Message-IDs. */
async function idsOfAFreshDatabase(raw: Buffer): Promise<string[]> {
  const w = await openWorld(['soyte']);
  try {
    w.mailboxes.of(A.code).deliver(raw);
    const r = await runIntakeCycle(w.app, w.agency('soyte'));
    if (r.processed[0]?.outcome !== 'registered') throw new Error(JSON.stringify(r));
    await runOutbox(w.app);
    return w.mailer.sent.map(m => m.messageId);
  } finally {
    await w.close();
  }
}

test('two fresh databases never produce the same Message-ID', async t => {
  const raw = await documentMail({ from: B.email, to: A.email, numberNotation: '12/UBND-VP', messageId: '<cv12@ubnd.vinhlong.test>' });
  const first = await idsOfAFreshDatabase(raw);
  const second = await idsOfAFreshDatabase(raw);
  t.true(first.length > 0);
  t.is(first.length, second.length);
  for (const id of first) t.false(second.includes(id), `${id} was made by both databases`);
  t.is(new Set(first).size, first.length);
});

test('a resend carries the same Message-ID as the first attempt', async t => {
  const w = await openWorld(['soyte']);
  t.teardown(() => w.close());
  w.mailer.scriptDefault(reply.transient());
  w.mailboxes.of(A.code).deliver(await documentMail({ from: B.email, to: A.email, numberNotation: '13/UBND-VP' }));
  await runIntakeCycle(w.app, w.agency('soyte'));
  t.like(await runOutbox(w.app), { sent: 0, deferred: 1 });
  const [row] = await w.app.db('outbox').select('message_id');
  await expireClaims(w.app.db);
  await makeDue(w.app.db);
  t.like(await runOutbox(w.app), { sent: 1 });
  t.is(w.mailer.sent.length, 1);
  t.is(w.mailer.sent[0]!.messageId, row.message_id);
  t.regex(row.message_id, /\.i[0-9a-f]{16}@edoc\.vinhlong\.test>$/);
});
