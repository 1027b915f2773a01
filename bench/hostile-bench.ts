/**
 * `npm run bench` (hostile input part, docs/hostile-input.md §Benchmark): each bomb of
 * bench/hostile/bombs.ts, built here, goes through inspect's code path in a process of its own.
 * Reports per input: the mail's size, the answer (a quarantine reason, or the kind when nothing was
 * exceeded), the time and the peak RSS (target < 1 GB). Numbers, not assertions. The same builders
 * feed the real-intake benchmark of the pipeline.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentPdf } from '../test/helpers/documents.js';
import { hostileInputs } from './hostile/bombs.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(path.join(tmpdir(), 'edoc-hostile-'));
const rows: Array<{ input: string; mailMb: number; answer: string; seconds: number; peakRssMb: number }> = [];
try {
  for (const [i, h] of hostileInputs(() => documentPdf()).entries()) {
    const file = path.join(dir, `${i}.eml`);
    const raw = await h.build();
    await writeFile(file, raw);
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'hostile/inspect-one.ts'), file], { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, EDOC_BRIDGE_LOG_LEVEL: 'silent' } });
    const last = child.stdout.trim().split('\n').at(-1) ?? '';
    let r = { answer: `child exited ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').at(-1) ?? ''}`, seconds: NaN, peakRssMb: NaN };
    try {
      r = JSON.parse(last) as typeof r;
    } catch {
      /* keep the exit status as the answer */
    }
    rows.push({ input: h.name, mailMb: Math.round((raw.length / 1024 / 1024) * 10) / 10, ...r });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'hostile-inspect', rows }));
console.log('hostile inputs through inspect (one process each; target peak RSS < 1024 MB):');
for (const r of rows) console.log(`  ${r.input.padEnd(58)} ${String(r.mailMb).padStart(6)} MB  ${r.answer.padEnd(36)} ${String(r.seconds).padStart(6)} s  ${String(r.peakRssMb).padStart(5)} MB RSS`);
