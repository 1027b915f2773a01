/** Moving a mail's bytes to and from the prepare worker without copies (src/inbound/transfer.ts). */
import { createHash } from 'node:crypto';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { workerPreparer } from '../../src/inbound/preparer.js';
import { ownsItsMemory, transferablesOf } from '../../src/inbound/transfer.js';
import { documentMail, documentPdf } from '../helpers/documents.js';
import { A, B } from '../helpers/world.js';

test('a buffer that is the whole of its memory may move; a slice or a pooled buffer may not', t => {
  const whole = Buffer.alloc(100_000);
  t.true(ownsItsMemory(whole));
  t.false(ownsItsMemory(whole.subarray(10)), 'a slice shares its memory with the whole');
  t.false(ownsItsMemory(Buffer.from('small')), 'small buffers live in the shared pool');
});

test("a result's large buffers are listed once each, small and pooled ones never", t => {
  const pdf = Buffer.alloc(200_000, 1);
  const raw = Buffer.alloc(300_000, 2);
  const result = { mail: { attachments: [{ content: pdf }, { content: Buffer.from('tiny') }] }, pdfs: [{ attachment: { content: pdf } }], part: raw.subarray(1000, 90_000), when: new Date() };
  const list = transferablesOf(result);
  t.is(list.length, 2);
  t.true(list.includes(pdf.buffer as ArrayBuffer));
  t.true(list.includes(raw.buffer as ArrayBuffer), 'a large slice moves its whole buffer');
});

test('moved through a channel, the bytes arrive whole and the sender keeps none', async t => {
  const { port1, port2 } = new MessageChannel();
  const pdf = Buffer.alloc(200_000);
  for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 31) & 0xff;
  const expected = Buffer.from(pdf);
  const got = new Promise<Uint8Array>(resolve => port2.once('message', (m: { content: Uint8Array }) => resolve(m.content)));
  const result = { content: pdf };
  port1.postMessage(result, transferablesOf(result));
  const arrived = await got;
  t.true(Buffer.from(arrived.buffer, arrived.byteOffset, arrived.byteLength).equals(expected));
  t.is(pdf.byteLength, 0, 'moved, not copied');
  port1.close();
});

test('through the real prepare worker, a mail moves in and its PDF comes back whole, with its hash', async t => {
  const doc = await PDFDocument.load(await documentPdf({ numberNotation: '77/UBND-VP' }));
  const filler = Buffer.alloc(300_000);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
  doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  const mail = await documentMail({ from: B.email, to: A.email, numberNotation: '77/UBND-VP', pdf });
  const raw = Buffer.alloc(mail.length);
  mail.copy(raw);
  const p = workerPreparer(1, { anchors: [], crls: [] } as never, 50, { timeoutMs: 120_000, maxHeapMb: 512, maxGrowthMb: 4096 });
  try {
    const prepared = await p.prepare(raw, new Date('2026-11-20T03:00:00Z'));
    t.is(raw.byteLength, 0, 'the raw mail moved to the worker');
    if (!prepared.ok) return t.fail(prepared.error);
    const [a] = prepared.files;
    t.is(a?.sha256, createHash('sha256').update(pdf).digest('hex'));
    t.true(Buffer.isBuffer(a?.content) && a.content.equals(pdf));
    t.is(prepared.pdfs[0]?.attachment.sha256, a?.sha256);
    t.regex(prepared.pdfs[0]?.text ?? '', /77\/UBND-VP/u);
  } finally {
    await p.close();
  }
});
