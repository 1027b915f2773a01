/**
 * Verification throughput on typical signed PDFs: ~100 KB and ~5 MB, one signature, RSA-2048, full
 * chain and CRLs (goal: ≥ 200 verifications/s for 100 KB on one core); and a signed PDF followed by
 * 15 and 60 MB of junk, whose time must grow linearly with the size (docs/hostile-input.md).
 * Figures only, never assertions. Run: npx tsx bench/signature-bench.ts [seconds-per-case]
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pki, NOW } from '../test/helpers/pki.js';
import { samplePdf } from '../test/helpers/pki-pdf.js';
import { sealPdf, stampPdf, verifyPdf } from '../src/signature/index.js';
import { stampFont } from '../src/io/stamp-font.js';

const seconds = Number(process.argv[2] ?? 3);
const p = pki();

async function bench(name: string, pdf: Buffer): Promise<void> {
  const first = await verifyPdf(pdf, p.trust, { now: NOW });
  if (first.verdict !== 'valid') throw new Error(`${name}: expected valid, got ${first.verdict} ${first.reasons.join()}`);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await verifyPdf(pdf, p.trust, { now: NOW });
    n++;
  }
  const ms = (performance.now() - start) / n;
  console.log(`${name.padEnd(40)} ${(pdf.length / 1024).toFixed(0).padStart(6)} KB  ${ms.toFixed(2).padStart(8)} ms/verify  ${(1000 / ms).toFixed(0).padStart(6)} /s`);
}

const small = await sealPdf(await samplePdf('bench', 100 * 1024), p.key(p.agency), undefined, { now: NOW });
const large = await sealPdf(await samplePdf('bench', 5 * 1024 * 1024), p.key(p.agency), undefined, { now: NOW });
const leader = await sealPdf(await samplePdf('bench', 100 * 1024), p.key(p.leader), undefined, { now: NOW });
const flow = await sealPdf(await stampPdf(leader, { numberNotation: '1/QĐ-UBND', date: NOW }, { font: stampFont() }), p.key(p.agency), undefined, { now: NOW });
/** Time a few verifications of a file whose verdict is not `valid` (hostile inputs). */
async function benchHostile(name: string, pdf: Buffer, runs = 3): Promise<void> {
  const first = await verifyPdf(pdf, p.trust, { now: NOW });
  const start = performance.now();
  for (let i = 0; i < runs; i++) await verifyPdf(pdf, p.trust, { now: NOW });
  const ms = (performance.now() - start) / runs;
  const mb = pdf.length / (1024 * 1024);
  console.log(`${name.padEnd(40)} ${mb.toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(8)} ms/verify  ${(mb / (ms / 1000)).toFixed(0).padStart(6)} MB/s  (${first.verdict} ${first.reasons.join(',')})`);
}

await bench('100 KB, one signature', small);
await bench('5 MB, one signature', large);
await bench('100 KB, Decree 30 flow (2 sigs + stamp)', flow);
// Trailing junk: incompressible random bytes with PDF keywords sprinkled in (the scanners' worst case).
const junk = (mb: number) => {
  const b = crypto.randomBytes(mb * 1024 * 1024);
  for (let at = 0; at + 64 < b.length; at += 4096) b.write(['startxref\n1 ', ' 1 0 obj <<', 'endstream', '%%EO', '/ByteRange ['][at % 5]!, at, 'latin1');
  return b;
};
await benchHostile('signed + 15 MB trailing junk', Buffer.concat([small, junk(15)]));
await benchHostile('signed + 60 MB trailing junk', Buffer.concat([small, junk(60)]));
