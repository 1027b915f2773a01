/**
 * The documents the intake benchmarks send (bench/intake-bench.ts, bench/intake-stages.ts): a real
 * one-page document padded to ~200 KB (a ~280 KB mail once base64-encoded), unsigned or sealed by a
 * test agency certificate (the typical case: docs/signatures.md), and the trust files that make the
 * seal verify as `valid` at the real time of the run (fresh CRLs).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { buildEnvelope } from '../src/edxml/envelope.js';
import { sealPdf } from '../src/signature/index.js';
import { documentPdf } from '../test/helpers/documents.js';
import { makeCrl, pki } from '../test/helpers/pki.js';
import { AGENCIES } from '../test/helpers/world.js';

/** Which mail a benchmark sends: a clerk's unsigned PDF, a sealed PDF, or a sealed PDF with its edXML envelope (another gateway's mail). */
export type BenchVariant = 'unsigned' | 'signed' | 'signed-edxml';
export const VARIANTS: readonly BenchVariant[] = ['unsigned', 'signed', 'signed-edxml'];

/** A real one-page document padded to ~200 KB with an incompressible stream (like a scanned seal image). */
export async function benchPdf(fillerKb = 190): Promise<Buffer> {
  const doc = await PDFDocument.load(await documentPdf());
  const filler = Buffer.alloc(fillerKb * 1024);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
  doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/**
 * The bench PDF sealed with the test agency's key (one RSA-2048 signature, chain to the test root),
 * as large as the unsigned one: the signature's reserved space (~34 KB) is taken off the filler.
 */
export async function sealedBenchPdf(now = new Date()): Promise<Buffer> {
  const p = pki();
  return sealPdf(await benchPdf(156), p.key(p.agency), undefined, { now });
}

/** Write the test root and CRLs valid around `now` into `dir`; returns the `trust` config section. */
export async function benchTrust(dir: string, now = new Date()): Promise<{ anchors: string[]; crls: string[] }> {
  const p = pki();
  await mkdir(dir, { recursive: true });
  const day = 86_400_000;
  const from = new Date(now.getTime() - day);
  const until = new Date(now.getTime() + 30 * day);
  const files = { root: path.join(dir, 'root.der'), rootCrl: path.join(dir, 'root.crl'), subCrl: path.join(dir, 'sub.crl') };
  await writeFile(files.root, p.root.der);
  await writeFile(files.rootCrl, makeCrl(p.root, [], from, until));
  await writeFile(files.subCrl, makeCrl(p.inter, [], from, until));
  return { anchors: [files.root], crls: [files.rootCrl, files.subCrl] };
}

/** The edXML envelope another gateway sends beside document number `i` (docs/edxml.md §The envelope). */
export function benchEnvelope(i: number, pdfName: string, pdf: Buffer): Buffer {
  const { ubnd, soyte } = AGENCIES;
  return Buffer.from(
    buildEnvelope({
      from: { organId: ubnd.code, organName: ubnd.name, email: ubnd.email },
      to: [{ organId: soyte.code, organName: soyte.name, email: soyte.email }],
      codeNumber: String(i + 1),
      codeNotation: 'QĐ-UBND',
      promulgationDate: '2026-11-20',
      typeName: 'Quyết định',
      subject: 'Về việc thử tải hệ thống gửi, nhận văn bản điện tử',
      signer: { competence: 'KT. CHỦ TỊCH', position: 'Phó Chủ tịch', fullName: 'Nguyễn Văn An' },
      documentId: `${ubnd.code},2026/11/20,${i + 1}/QĐ-UBND`,
      attachments: [{ name: pdfName, contentType: 'application/pdf', sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length }],
    }),
  );
}

/** The attachments of bench mail number `i` for a variant. */
export function benchAttachments(variant: BenchVariant, i: number, pdf: Buffer): Array<{ filename: string; content: Buffer; contentType: string }> {
  const name = `qd-${i + 1}.pdf`;
  const files = [{ filename: name, content: pdf, contentType: 'application/pdf' }];
  if (variant === 'signed-edxml') files.push({ filename: 'vanban.edxml', content: benchEnvelope(i, name, pdf), contentType: 'application/xml' });
  return files;
}
