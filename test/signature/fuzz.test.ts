/**
 * `verify` on a fuzz corpus (fixed seed): mutations of signed files from every producer, and
 * hand-made hostile structures (object cycles, deep nesting, huge counts, bombs, unterminated
 * tokens). Each input runs in a child process with a 10 s deadline: a hang or a crash fails the
 * test and names the input. The deadline is a guard, not a speed assertion (speed is `npm run bench`).
 */
import test from 'ava';
import zlib from 'node:zlib';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { pki, NOW, makeToken, d } from '../helpers/pki.js';
import { samplePdf, formPdf, fillIncrementally } from '../helpers/pki-pdf.js';
import { signWithOpenssl, signWithSignpdf, addLtv } from '../helpers/producers.js';
import { shadowPdf } from '../helpers/shadow.js';
import { sealPdf } from '../../src/signature/index.js';

const DEADLINE_MS = 10_000;
const p = pki();

/** Deterministic PRNG (LCG) so the corpus is the same on every run. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
}

const TOKENS = ['obj', 'endobj', 'stream\n', 'endstream', 'xref\n0 9999999\n', 'trailer', '<<', '>>', '[', ']', ' 1 0 R', '/Length 999999999',
  '%%EOF', 'startxref\n0\n%%EOF', '/Type /ObjStm /N 99999999', '/W [0 0 0]', '/Prev 0', '(', '<', '/Kids [1 0 R]', '/Parent 1 0 R'];

function mutate(seedPdf: Buffer, r: (n: number) => number): Buffer {
  const b = Buffer.from(seedPdf);
  switch (r(6)) {
    case 0: { for (let i = 0; i < 1 + r(8); i++) b[r(b.length)] = r(256); return b; }
    case 1: { const at = r(b.length); b.fill(r(2) ? 0x20 : 0x30, at, Math.min(b.length, at + 1 + r(512))); return b; }
    case 2: return b.subarray(0, r(b.length));
    case 3: { const at = r(b.length); const len = r(4096); return Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]); }
    case 4: { const at = r(b.length); return Buffer.concat([b.subarray(0, at), Buffer.from(TOKENS[r(TOKENS.length)]!.repeat(1 + r(3)), 'latin1'), b.subarray(at)]); }
    default: { const a = r(b.length); const c = r(b.length); const len = Math.min(256, b.length - Math.max(a, c)); const tmp = Buffer.from(b.subarray(a, a + len)); b.copy(b, a, c, c + len); tmp.copy(b, c); return b; }
  }
}

/** Hand-made hostile files. */
function hostile(): Array<[string, Buffer]> {
  const pdf = (body: string) => Buffer.from(`%PDF-1.7\n${body}`, 'latin1');
  const bomb = zlib.deflateSync(Buffer.alloc(30 * 1024 * 1024));
  return [
    ['reference cycle', pdf('1 0 obj 2 0 R endobj\n2 0 obj 1 0 R endobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000029 00000 n \ntrailer << /Root 1 0 R /Size 3 >>\nstartxref\n49\n%%EOF\n')],
    ['startxref pointing at itself', pdf('startxref\n9\n%%EOF\n')],
    ['deep array nesting', pdf(`1 0 obj ${'['.repeat(50_000)} endobj\ntrailer << /Root 1 0 R >>\nstartxref\n0\n%%EOF\n`)],
    ['many unterminated hex strings', pdf('1 0 obj <'.repeat(20_000))],
    ['many unterminated literal strings', pdf('1 0 obj ('.repeat(20_000))],
    ['many streams without endstream', pdf('1 0 obj << /Length 999999999 >> stream\n'.repeat(5_000))],
    ['a huge xref subsection count', pdf('xref\n0 999999999\ntrailer << >>\nstartxref\n9\n%%EOF\n')],
    ['an xref stream with /W [0 0 0]', pdf('1 0 obj << /Type /XRef /W [0 0 0] /Size 99999999 /Length 0 >> stream\n\nendstream endobj\nstartxref\n9\n%%EOF\n')],
    ['an object stream with /N 99999999', pdf('1 0 obj << /Type /ObjStm /N 99999999 /First 0 /Length 4 >> stream\n1 0 \nendstream endobj\n2 0 obj << /Type /Catalog /AcroForm << /Fields [3 0 R] >> >> endobj\ntrailer << /Root 2 0 R >>\n%%EOF\n')],
    ['a bomb as the xref stream', Buffer.concat([pdf('1 0 obj << /Type /XRef /W [1 4 2] /Size 9 /Filter /FlateDecode /Length ' + bomb.length + ' >> stream\n'), bomb, Buffer.from('\nendstream endobj\nstartxref\n9\n%%EOF\n')])],
    ['only object headers', pdf('1 0 obj\n'.repeat(200_000))],
    ['a /Prev chain of garbage', pdf('xref\n0 1\n0000000000 65535 f \ntrailer << /Prev 9 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n')],
    ['empty', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 2654435761) % 256))],
  ];
}

async function corpus(): Promise<Array<[string, Buffer]>> {
  const base = await samplePdf();
  const shadow = (await shadowPdf()).pdf;
  const seeds: Array<[string, Buffer]> = [
    ['openssl', await signWithOpenssl(base, p.agency, [p.inter], { now: NOW, cades: true })],
    ['signpdf', await signWithSignpdf(base, p.ascii, [], NOW)],
    ['sealer-form-filled', await fillIncrementally(await sealPdf(await formPdf(), p.key(p.agency), undefined, { now: NOW }), { ghi_chu: 'x' })],
    ['ltv', await addLtv(await signWithOpenssl(base, p.agency, [p.inter], { now: NOW }), { certs: [p.inter.der], crls: [p.subCrl], token: data => makeToken(p.tsa, [p.inter], data, d('2026-06-01T03:00:05Z')), now: NOW })],
    ['shadow', await sealPdf(shadow, p.key(p.agency), undefined, { now: NOW })],
  ];
  const r = rng(20_261_201);
  const out: Array<[string, Buffer]> = [...seeds, ...hostile()];
  for (const [name, seed] of seeds) for (let i = 0; i < 20; i++) out.push([`${name} mutation ${i}`, mutate(seed, r)]);
  return out;
}

type Answer = { id: number; verdict?: string; reasons?: string[]; internal?: string[]; error?: string };

/** Run every input through child processes, one at a time, each under the deadline. */
async function runAll(inputs: Array<[string, Buffer]>, worker = 'test/helpers/verify-worker.ts', deadline = DEADLINE_MS): Promise<string[]> {
  const failures: string[] = [];
  let child: ChildProcess | null = null;
  const start = () => new Promise<ChildProcess>(resolve => {
    const c = fork(path.resolve(worker), [], { execArgv: ['--import', 'tsx'] });
    c.once('message', () => resolve(c));
  });
  for (const [i, [name, pdf]] of inputs.entries()) {
    child ??= await start();
    const c = child;
    const answer = await new Promise<Answer | 'timeout' | 'exit'>(resolve => {
      const timer = setTimeout(() => resolve('timeout'), deadline);
      const onExit = () => { clearTimeout(timer); resolve('exit'); };
      c.once('exit', onExit);
      c.once('message', (m: Answer) => { clearTimeout(timer); c.off('exit', onExit); resolve(m); });
      c.send({ id: i, pdf: pdf.toString('base64') });
    });
    if (answer === 'timeout' || answer === 'exit') {
      failures.push(`${name}: ${answer === 'timeout' ? `no verdict within ${deadline} ms` : 'the verifier process died'}`);
      c.kill('SIGKILL');
      child = null;
    } else if (answer.error) failures.push(`${name}: threw ${answer.error}`);
    else if (!['valid', 'invalid', 'indeterminate', 'unsigned'].includes(answer.verdict!)) failures.push(`${name}: verdict ${answer.verdict}`);
    else if (answer.internal!.length) failures.push(`${name}: internal error ${answer.internal!.join('; ')}`);
  }
  child?.kill();
  return failures;
}

test('verify never crashes and never runs past the deadline on the fuzz corpus (object cycles, bombs, mutations of every producer\'s files)', async t => {
  t.timeout(10 * 60_000);
  const inputs = await corpus();
  t.true(inputs.length >= 100);
  const failures = await runAll(inputs);
  t.deepEqual(failures, []);
});

test('the harness can fail: an input that hangs the verifier is reported by name, and the next input still runs', async t => {
  t.timeout(60_000);
  const failures = await runAll([['first hanging input', Buffer.from('x')], ['second hanging input', Buffer.from('y')]], 'test/helpers/hang-worker.ts', 1_000);
  t.deepEqual(failures, ['first hanging input: no verdict within 1000 ms', 'second hanging input: no verdict within 1000 ms']);
});
