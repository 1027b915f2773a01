/**
 * The size limit on the server's reported size (docs/mail.md §Mails over the size limit): an
 * over-size mail is quarantined from the phase-1 listing, its body never downloaded.
 */
import test from 'ava';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { documentMail } from '../helpers/documents.js';
import { A, B, openWorld, stepClock } from '../helpers/world.js';

const doc = (n: number, pad = 0) =>
  documentMail({ from: B.email, to: A.email, numberNotation: `${n}/UBND-VP`, messageId: `<cv${n}@ubnd.vinhlong.test>`, headers: pad ? { 'X-Pad': 'x'.repeat(pad) } : undefined });

test('a mail listed over limits.maxMailBytes is quarantined without its body downloaded; the mails around it are registered', async t => {
  const small = await doc(41);
  const third = await doc(43);
  const big = await doc(42, 4000);
  const limit = Math.max(small.length, third.length) + 100;
  t.true(big.length > limit);
  const w = await openWorld(['soyte'], { clock: stepClock('2026-11-20T03:00:00Z'), overrides: { limits: { maxMailBytes: limit } } });
  t.teardown(() => w.close());
  const inbox = w.mailboxes.of(A.code);
  inbox.deliver(small);
  const bigUid = inbox.deliver(big);
  inbox.deliver(third);
  const report = await runIntakeCycle(w.app, w.agency('soyte'));

  const downloaded = inbox.calls.filter(c => c.op === 'download').map(c => c.uid);
  t.false(downloaded.includes(bigUid), 'the over-size mail is never downloaded');
  t.is(downloaded.length, 2);
  t.deepEqual(report.processed.map(p => p.outcome), ['registered', 'quarantined', 'registered']);

  const row = await w.app.db('received_mails').where({ uid: bigUid }).first();
  t.is(Number(row.raw_size), big.length, "the row carries the server's size");
  t.is(row.message_id, '<cv42@ubnd.vinhlong.test>');
  const q = await w.app.db('quarantine').where({ received_mail_id: row.id }).first();
  t.is(q.reason_code, 'MAIL_TOO_LARGE');
  t.regex(q.detail, /not downloaded/u);
  // What is kept is the note of what the server reported, not the mail.
  const kept = (await w.app.ports.blobs.get(row.raw_sha256)).toString();
  t.regex(kept, new RegExp(`reported ${big.length} bytes`, 'u'));
  t.false(kept.includes('Content-Type'));
  t.deepEqual([inbox.messages('INBOX').length, inbox.messages('Quarantine').length, inbox.messages('Processed').length], [0, 1, 2]);
  t.deepEqual(inbox.messages('Quarantine')[0], big, 'the mail itself stays whole on the server');

  // Listed again (the move was lost): the same row, still not downloaded.
  inbox.deliver(big);
  const again = await runIntakeCycle(w.app, w.agency('soyte'));
  t.is(inbox.calls.filter(c => c.op === 'download').length, 2);
  t.is(again.processed.length + again.duplicates, 1);
});
