import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../helpers/capture.js';
import { A, B, C, configObject, pdf, worldEnv } from '../helpers/world.js';

/** A config file for the CLI (fake mail servers: these commands never connect). */
async function setup(): Promise<{ dir: string; env: NodeJS.ProcessEnv; pdfFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-out-'));
  await writeFile(path.join(dir, 'config.yaml'), stringify(configObject(dir, ['soyte'])));
  const pdfFile = path.join(dir, 'cv.pdf');
  await writeFile(pdfFile, await pdf());
  return { dir, env: worldEnv(undefined, { EDOC_BRIDGE_CONFIG: path.join(dir, 'config.yaml') }), pdfFile };
}

test('send, outbox list, reconcile report (text, --json, --csv), recall and their usage errors', async t => {
  const { dir, env, pdfFile } = await setup();
  try {
    const metaFile = path.join(dir, 'meta.json');
    await writeFile(metaFile, JSON.stringify({ type: 'Tờ trình', summary: 'Về việc xin chủ trương', urgency: 'thuong-khan', signer: { position: 'GIÁM ĐỐC', name: 'Lê Văn Minh' } }));
    const sent = await cli(['send', '--from', A.code, '--to', `${B.code},${C.code}`, '--file', pdfFile, '--meta', metaFile], env);
    t.is(sent.code, 0, sent.stderr);
    t.regex(sent.stdout, /^01\/TTr-SYT registered as outgoing document 1 \(stamped, not sealed/);
    const outbox = await cli(['outbox', 'list', '--json'], env);
    const rows = JSON.parse(outbox.stdout) as Array<{ kind: string; state: string; subject: string; priority: number }>;
    t.deepEqual(rows.map(r => [r.kind, r.state, r.priority]), [['document', 'queued', 2], ['document', 'queued', 2]]);
    t.regex(rows[0]!.subject, /^\[THƯỢNG KHẨN\] \[VBĐT\] 01\/TTr-SYT ngày \d\d\/\d\d\/\d{4}: Về việc xin chủ trương$/);
    const report = JSON.parse((await cli(['reconcile', 'report', '--json'], env)).stdout) as { lines: Array<{ recipient: string; state: string }>; totals: unknown[] };
    t.deepEqual(report.lines.map(l => [l.recipient, l.state]), [[B.email, 'queued'], [C.email, 'queued']]);
    t.deepEqual(report.totals, [{ agency: A.code, state: 'queued', count: 2 }]);
    const csv = await cli(['reconcile', 'report', '--csv'], env);
    t.true(csv.stdout.startsWith('\ufeffCơ quan gửi,'));
    t.is(csv.stdout.trim().split('\n').length, 3);
    t.regex((await cli(['reconcile', 'report'], env)).stdout, /total 000\.00\.31\.H62 queued: 2/);
    // Nothing was sent yet: a recall skips both.
    const recall = await cli(['recall', '1', '--reason', 'Sai sót'], env);
    t.is(recall.code, 0, recall.stderr);
    t.regex(recall.stdout, /requested from 0 recipient/);
    t.is((await cli(['send', '--from', A.code, '--file', pdfFile, '--summary', 'x'], env)).code, 2);
    t.is((await cli(['send', '--from', '000.00.01.H62', '--to', B.code, '--file', pdfFile, '--summary', 'x'], env)).code, 2);
    t.is((await cli(['register', 'status', '1', 'archived'], env)).code, 2);
    t.is((await cli(['recall', '99', '--reason', 'x'], env)).code, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
