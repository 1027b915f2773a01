/**
 * One writer process of test/pg/numbering.test.ts, on the PostgreSQL database given as argv[2].
 *   pipelines N   N submissions (outgoing numbers) and N paper registrations (arrival numbers)
 *                 of agency A through the real pipelines, interleaved
 *   counter N     N register entries numbered by the counter row (db/register.ts nextNumber)
 *   racy N        N register entries numbered max()+1, the scheme the counter row replaces
 * In `counter` and `racy` the transaction waits 20 ms between taking the number and
 * writing the entry, the same in both, so the two schemes face the same window.
 * Waits for the file argv[5] to exist before starting, so the four processes start together.
 * Prints one JSON line: the numbers taken and the errors met.
 */
import { existsSync } from 'node:fs';
import { nextNumber } from '../../src/db/register.js';
import { inTransaction } from '../../src/db/transaction.js';
import { registerPaperDocument } from '../../src/inbound/register-paper.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { describeError } from '../../src/errors.js';
import { documentPdf } from './documents.js';
import { entry } from './factories.js';
import { A, B, openWorld, pdf } from './world.js';

const [url, mode, countArg, go] = process.argv.slice(2) as [string, 'pipelines' | 'counter' | 'racy', string, string];
const count = Number(countArg);
const worker = process.pid;
const u = await openWorld(['soyte', 'ubnd'], { database: { client: 'pg', connection: url } });
const out = { incoming: [] as number[], outgoing: [] as number[], errors: [] as string[] };
const pause = () => new Promise(r => setTimeout(r, 20));
const meta = parseSubmissionMeta({ type: 'Công văn', summary: 'V/v thử đánh số đồng thời' });
const [mainPdf, scan] = await Promise.all([pdf(), documentPdf({ numberNotation: '45/UBND-VP', type: 'CÔNG VĂN', summary: 'V/v hồ sơ giấy' })]);
while (!existsSync(go)) await new Promise(r => setTimeout(r, 10));

for (let i = 0; i < count; i++) {
  try {
    if (mode === 'pipelines') {
      const s = await submitDocument(u.app, { agencyCode: A.code, to: [B.code], files: [{ name: `cv-${worker}-${i}.pdf`, content: mainPdf, role: 'main' }], meta, source: 'cli' });
      out.outgoing.push(s.number);
      const p = await registerPaperDocument(u.app, u.agency('soyte'), { name: `scan-${worker}-${i}.pdf`, content: scan }, { numberNotation: `${worker}-${i}/UBND-VP` });
      out.incoming.push(p.arrivalNumber);
    } else {
      const n = await inTransaction(u.app.db, async trx => {
        let number: number;
        if (mode === 'counter') number = await nextNumber(trx, A.code, 'incoming', 2026);
        else number = Number((await trx('register_entries').where({ agency_code: A.code, year: 2026 }).max({ m: 'arrival_number' }))[0]!.m ?? 0) + 1;
        await pause();
        await entry(trx, { agencyCode: A.code, arrivalNumber: number, summary: `${mode} ${worker}/${i}` });
        return number;
      });
      out.incoming.push(n);
    }
  } catch (err) {
    // The driver's code first (23505: unique violation), then the message's start.
    out.errors.push(`${String((err as { code?: unknown }).code ?? '')} ${describeError(err).slice(0, 120)}`);
  }
}
await u.close();
process.stdout.write(JSON.stringify(out) + '\n');
