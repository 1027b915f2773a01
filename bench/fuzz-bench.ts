/**
 * `npm run bench` (parser fuzz part, docs/hostile-input.md §Parser fuzz): FUZZ_COUNT (default 3000)
 * seeded mutants of test/fixtures/eml through inspect's code path. Reports the count of inputs, the
 * internal errors (must be 0: each is listed with its seed index so it can be rebuilt) and peak RSS.
 * Exits 1 when any internal error occurred.
 */
import { runFuzz } from '../test/helpers/mutate-mail.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

const started = process.hrtime.bigint();
const report = await runFuzz(SEED, COUNT);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const summary = {
  bench: 'parser-fuzz',
  seed: SEED,
  inputs: report.count,
  internalErrors: report.internalErrors.length,
  quarantined: report.quarantined,
  kinds: report.kinds,
  seconds: Math.round(seconds * 10) / 10,
  peakRssMb,
};
console.log(JSON.stringify(summary));
console.log(`parser fuzz: ${report.count} inputs, ${report.internalErrors.length} internal errors (must be 0), ${report.quarantined} quarantine reasons, peak RSS ${peakRssMb} MB, ${summary.seconds} s`);
for (const e of report.internalErrors.slice(0, 20)) console.log(`  #${e.index} ${e.fixture} [${e.ops.join(',')}]: ${e.error.split('\n')[0]}`);
process.exitCode = report.internalErrors.length === 0 ? 0 : 1;
