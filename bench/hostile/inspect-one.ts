/**
 * Child process of bench/hostile-bench.ts: inspect one mail file and print one JSON line with the
 * answer (quarantine reason or kind), the time and this process's peak RSS. A separate process per
 * input, so each peak RSS is that input's alone.
 */
import { readFile } from 'node:fs/promises';
import { inspectMail } from '../../src/mail/inspect.js';

const file = process.argv[2];
if (!file) throw new Error('usage: inspect-one.ts FILE.eml');
const raw = await readFile(file);
const started = process.hrtime.bigint();
let answer: string;
try {
  const r = await inspectMail(raw);
  answer = r.quarantine ? `quarantine ${r.quarantine.reasonCode}` : `${r.kind}${r.warnings.length ? ` (${r.warnings.length} warnings)` : ''}`;
} catch (err) {
  answer = `INTERNAL ERROR ${(err as Error).message}`;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ answer, seconds: Math.round(seconds * 100) / 100, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
