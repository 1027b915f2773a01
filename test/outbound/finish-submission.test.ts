/**
 * Numbering and sealing are two transactions with the sealing between them (a transaction does
 * database work only): a crash between leaves the document `sealing`, and the cycle finishes it,
 * so the outgoing number series stays gapless.
 */
import test from 'ava';
import { runCycle } from '../../src/cycle.js';
import { resumeSubmissions, SEALING_GRACE_MS } from '../../src/outbound/finish-submission.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { A, B, openWorld, pdf, stepClock } from '../helpers/world.js';

const meta = parseSubmissionMeta({ summary: 'V/v khôi phục sau sự cố' });

test('sealing that fails after the number is taken leaves the document sealing; the cycle finishes it later; numbers stay gapless', async t => {
  const clock = stepClock('2026-11-20T03:00:00Z');
  const w = await openWorld(['soyte', 'ubnd'], { clock });
  try {
    const real = w.app.sealer;
    let calls = 0;
    // The check before numbering (a stamp) passes; the sealing after it dies (a crash, a full disk…).
    w.app.sealer = { ...real, seal: async (...args) => (++calls === 2 ? Promise.reject(new Error('process died while sealing')) : real.seal(...args)) };
    await t.throwsAsync(submitDocument(w.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }], meta, source: 'cli' }), { message: /died while sealing/ });
    w.app.sealer = real;
    const stuck = await w.app.db('outgoing_documents').first();
    t.deepEqual([stuck.number, stuck.state], [1, 'sealing']);
    t.is((await w.app.db('outgoing_recipients')).length, 0, 'no recipient before it is sealed');
    t.is((await w.app.db('outbox')).length, 0);

    t.deepEqual(await resumeSubmissions(w.app), { finished: 0, failed: 0 }, 'a submission in progress elsewhere is left alone for a while');
    const next = await submitDocument(w.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv2.pdf', content: await pdf('Văn bản thứ hai'), role: 'main' }], meta, source: 'cli' });
    t.is(next.number, 2, 'the number taken stays taken');

    clock.advance(SEALING_GRACE_MS + 1000);
    const report = await runCycle(w.app);
    t.deepEqual(report.submissions?.resumed, { finished: 1, failed: 0 });
    const done = await w.app.db('outgoing_documents').where({ id: stuck.id }).first();
    t.is(done.state, 'sent', 'sealed, queued, sent and recorded in the same cycle');
    t.deepEqual((await w.app.db('outgoing_documents').orderBy('number')).map(d => d.number), [1, 2]);
    const files = JSON.parse(done.files) as Array<{ sha256: string; originalSha256: string }>;
    t.not(files[0]!.sha256, files[0]!.originalSha256, 'the sent file is the stamped one');
    t.true(w.mailer.sent.some(m => m.subject.includes('01/SYT')));
  } finally {
    await w.close();
  }
});

test('a file the stamper cannot read fails before a number is taken', async t => {
  const w = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z') });
  try {
    await t.throwsAsync(submitDocument(w.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'bad.pdf', content: Buffer.from('%PDF-1.7 broken'), role: 'main' }], meta, source: 'cli' }));
    t.is((await w.app.db('outgoing_documents')).length, 0);
    t.is((await w.app.db('register_counters')).length, 0, 'no counter was touched');
  } finally {
    await w.close();
  }
});
