/**
 * Verification throughput on typical signed PDFs (issue 3 §8): ~100 KB and ~5 MB, one signature,
 * RSA-2048, full chain and CRLs. Goal: ≥ 200 verifications/s for 100 KB on one core.
 * Run: npx tsx bench/signature-bench.ts [seconds-per-case]
 */
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
await bench('100 KB, one signature', small);
await bench('5 MB, one signature', large);
await bench('100 KB, Decree 30 flow (2 sigs + stamp)', flow);
