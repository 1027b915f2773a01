/**
 * Intake with the signature check (docs/signatures.md §Policy per agency): a sealed document is registered with legal
 * value; a tampered one is refused with a 02 naming the reason; an annex without the agency
 * signature gives a warning. Real Postfix + Dovecot; the test PKI is generated in the tests.
 */
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { fixedClock } from '../../src/io/clock.js';
import { sealPdf } from '../../src/signature/index.js';
import { AGENCIES, openWorld, type World } from '../helpers/world.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { NOW, pki } from '../helpers/pki.js';
import { flip, lastHole } from '../helpers/pki-pdf.js';
import { waitForMessages } from '../helpers/mailserver.js';
import { integrationTest } from '../helpers/integration.js';

const test = await integrationTest();

/** A test app for Sở Y tế that trusts the test root, at the PKI's reference time. */
async function appWithTrust(): Promise<World> {
  const p = pki();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-trust-'));
  await writeFile(path.join(dir, 'root.der'), p.root.der);
  await writeFile(path.join(dir, 'root.crl'), p.rootCrl);
  await writeFile(path.join(dir, 'sub.crl'), p.subCrl);
  const trust = { anchors: [path.join(dir, 'root.der')], crls: [path.join(dir, 'root.crl'), path.join(dir, 'sub.crl')] };
  return openWorld(['soyte'], { server: true, clock: fixedClock(NOW), overrides: { trust } });
}

test.serial('a sealed document is registered with legal value; its annex without the agency signature gives a warning', async t => {
  const ta = (t.context.t = await appWithTrust());
  const p = pki();
  const signedAt = new Date(NOW.getTime() - 3600_000);
  const sealed = await sealPdf(await documentPdf({ numberNotation: '40/QĐ-UBND' }), p.key(p.agency), undefined, { now: signedAt });
  await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
    subject: 'Quyết định số 40/QĐ-UBND',
    attachments: [
      { filename: 'qd40.pdf', content: sealed, contentType: 'application/pdf' },
      { filename: 'phu-luc.pdf', content: await documentPdf({ numberNotation: '40/QĐ-UBND', type: 'PHỤ LỤC' }), contentType: 'application/pdf' },
    ],
  });
  await waitForMessages(AGENCIES.soyte.email, 1);
  const report = await runIntakeCycle(ta.app, ta.config.agencies[0]!);
  t.is(report.processed[0]?.outcome, 'registered', JSON.stringify(report));
  const entry = await ta.app.db('register_entries').first();
  t.is(entry.legal_value, 'legal');
  t.true(JSON.parse(entry.warnings).includes('ANNEX_UNSIGNED'));
  const results = await ta.app.db('signature_results').join('attachments', 'attachments.id', 'signature_results.attachment_id').select('attachments.name', 'signature_results.verdict', 'signature_results.summary_vi');
  const main = results.find(r => r.name === 'qd40.pdf');
  t.is(main?.verdict, 'valid', main?.summary_vi);
  t.is(results.find(r => r.name === 'phu-luc.pdf')?.verdict, 'unsigned');
});

test.serial('a tampered signed document is refused with a 02 naming the reason; the raw mail is kept', async t => {
  const ta = (t.context.t = await appWithTrust());
  const p = pki();
  const sealed = await sealPdf(await documentPdf({ numberNotation: '41/QĐ-UBND' }), p.key(p.agency), undefined, { now: new Date(NOW.getTime() - 3600_000) });
  const tampered = flip(sealed, Math.floor(lastHole(sealed).start / 2)); // one bit inside the signed bytes
  await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, { subject: 'Quyết định số 41/QĐ-UBND', attachments: [{ filename: 'qd41.pdf', content: tampered, contentType: 'application/pdf' }] });
  await waitForMessages(AGENCIES.soyte.email, 1);
  const report = await runIntakeCycle(ta.app, ta.config.agencies[0]!);
  t.is(report.processed[0]?.outcome, 'refused', JSON.stringify(report));
  t.is(report.processed[0]?.detail, 'SIGNATURE_INVALID');
  t.is(Number((await ta.app.db('register_entries').count('* as n'))[0]!.n), 0);
  const refusal = await ta.app.db('outbox').where({ kind: 'refusal' }).first();
  t.regex(refusal.subject, /^\[VBĐT-TT\] 02 Từ chối tiếp nhận/);
  const text = JSON.parse(refusal.message).text as string;
  t.regex(text, /Chữ ký số trên tệp "qd41.pdf" không hợp lệ/);
  const received = await ta.app.db('received_mails').first();
  t.true(await ta.app.ports.blobs.has(received.raw_sha256));
  t.is((await ta.app.db('signature_results').first()).verdict, 'invalid');
});
