import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import type { OutboxMessage } from '../../src/db/outbox.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { verifyPdf } from '../../src/signature/index.js';
import { pki, type TestCert } from '../helpers/pki.js';
import { A, B, openWorld, pdf, stepClock } from '../helpers/world.js';

function p12(cert: TestCert, chain: TestCert[], password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(cert.key.export({ format: 'pem', type: 'pkcs8' }) as string);
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert, ...chain].map(c => forge.pki.certificateFromPem(c.pem)), password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

test('with an agency certificate the stamped document is sealed (PAdES) and verifies as valid', async t => {
  const p = pki();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-seal-'));
  await writeFile(path.join(dir, 'agency.p12'), p12(p.agency, [p.inter, p.root], 'mật-khẩu'));
  const now = '2026-06-01T03:00:00Z'; // inside the test CRLs' validity (test/helpers/pki.ts)
  const u = await openWorld(['soyte', 'ubnd'], { clock: stepClock(now), dir, agency: { soyte: { certificate: { p12File: 'agency.p12', passwordEnv: 'SEAL_PASSWORD' } } }, env: { SEAL_PASSWORD: 'mật-khẩu' } });
  try {
    const r = await submitDocument(u.app, { agencyCode: A.code, to: [B.code], files: [{ name: 'cv.pdf', content: await pdf(), role: 'main' }, { name: 'pl.pdf', content: await pdf('Phụ lục'), role: 'annex' }], meta: parseSubmissionMeta({ summary: 'V/v ký số cơ quan' }), source: 'cli' });
    t.true(r.sealed);
    const row = await u.app.db('outbox').first();
    const message = JSON.parse(row.message) as OutboxMessage;
    for (const a of message.attachments.filter(x => x.filename.endsWith('.pdf'))) {
      const v = await verifyPdf(await u.app.ports.blobs.get(a.sha256), p.trust, { now: new Date(now) });
      t.is(v.verdict, 'valid', `${a.filename}: ${JSON.stringify(v.reasons)}`);
    }
    t.true(!!(await u.app.db('outgoing_documents').first()).sealed);
  } finally {
    await u.close();
  }
});
