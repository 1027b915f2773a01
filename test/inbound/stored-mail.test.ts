/** A stored mail prepared where it lies: read as a stream, its large parts written to the store as decoded (src/store/stored-mail.ts). */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { prepareMail } from '../../src/inbound/prepare.js';
import type { PdfVerifier } from '../../src/inbound/pdf-check.js';
import { workerPreparer } from '../../src/inbound/preparer.js';
import { BlobStore } from '../../src/store/blob-store.js';
import { STORE_PARTS_ABOVE, storedMail } from '../../src/store/stored-mail.js';
import { documentMail, documentPdf } from '../helpers/documents.js';
import { A, B } from '../helpers/world.js';

const now = new Date('2026-11-20T03:00:00Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const unsigned: PdfVerifier = async () => ({ pages: null, signaturesFound: 0, verdict: 'unsigned', reasons: [], summaryVi: 'Không có chữ ký số.', report: null });

/** A document PDF grown past the size parts are stored from, with an incompressible stream. */
async function largePdf(numberNotation: string): Promise<Buffer> {
  const doc = await PDFDocument.load(await documentPdf({ numberNotation }));
  const filler = Buffer.alloc(STORE_PARTS_ABOVE + 200_000);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
  doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

test('a stored mail prepared from the store gives what its bytes give, and its large PDF is in the store, whole', async t => {
  const root = await mkdtemp(path.join(tmpdir(), 'edoc-stored-'));
  try {
    const store = new BlobStore(root);
    const pdf = await largePdf('88/UBND-VP');
    const raw = await documentMail({ from: B.email, to: A.email, numberNotation: '88/UBND-VP', pdf });
    const ref = await store.put(raw);
    const fromBytes = await prepareMail(Buffer.from(raw), now, unsigned, 50);
    t.false(await store.has(sha(pdf)), 'nothing stored by the in-memory path');
    const fromStore = await prepareMail(storedMail(store, ref.sha256, ref.size)!, now, unsigned, 50);
    if (!fromBytes.ok || !fromStore.ok) return t.fail('not prepared');
    t.true(await store.has(sha(pdf)), 'the PDF was written to the store as it was decoded');
    t.deepEqual({ ...fromStore.mail, attachments: [] }, { ...fromBytes.mail, attachments: [] });
    t.deepEqual(fromStore.files.map(f => [f.filename, f.sha256, f.size]), fromBytes.files.map(f => [f.filename, f.sha256, f.size]));
    t.true(fromStore.files[0]!.content.equals(pdf), 'the PDF is whole after pdfjs took the copy it read');
    t.is(fromStore.pdfs[0]?.text, fromBytes.pdfs[0]?.text);
    t.regex(fromStore.pdfs[0]?.text ?? '', /88\/UBND-VP/u);
    t.deepEqual(fromStore.meta, fromBytes.meta);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a stored mail whose bytes no longer match their hash is an error, never parsed', async t => {
  const root = await mkdtemp(path.join(tmpdir(), 'edoc-stored-'));
  try {
    const store = new BlobStore(root);
    const raw = await documentMail({ from: B.email, to: A.email, numberNotation: '89/UBND-VP' });
    const ref = await store.put(raw);
    const damaged = Buffer.from(raw);
    damaged[damaged.length - 10] ^= 1;
    await writeFile(store.pathOf(ref.sha256), damaged);
    await t.throwsAsync(prepareMail(storedMail(store, ref.sha256, ref.size)!, now, unsigned, 50), { message: /corrupt/u });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('through the real prepare worker, a stored mail is read from the store and its PDF comes back whole', async t => {
  const root = await mkdtemp(path.join(tmpdir(), 'edoc-stored-'));
  const p = workerPreparer(1, { anchors: [], crls: [] } as never, 50, { timeoutMs: 120_000, maxHeapMb: 512, maxGrowthMb: 4096 });
  try {
    const store = new BlobStore(root);
    const pdf = await largePdf('90/UBND-VP');
    const ref = await store.put(await documentMail({ from: B.email, to: A.email, numberNotation: '90/UBND-VP', pdf }));
    const prepared = await p.prepare(storedMail(store, ref.sha256, ref.size)!, now);
    if (!prepared.ok) return t.fail(prepared.error);
    t.is(prepared.files[0]?.sha256, sha(pdf));
    t.true(Buffer.isBuffer(prepared.files[0]?.content) && prepared.files[0].content.equals(pdf));
    t.regex(prepared.pdfs[0]?.text ?? '', /90\/UBND-VP/u);
    t.true(await store.has(sha(pdf)));
  } finally {
    await p.close();
    await rm(root, { recursive: true, force: true });
  }
});
