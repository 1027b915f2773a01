/**
 * Our own mail mutator for the parser fuzz (docs/hostile-input.md §Parser fuzz): header mangling,
 * boundary damage, truncation, transfer encodings, nesting, random bytes and splicing, driven by a
 * seeded PRNG so every failing input can be rebuilt from (seed, index). Used by the seeded test
 * (test/mail/fuzz.test.ts) and the full benchmark (bench/fuzz-bench.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectMailDetailed } from '../../src/mail/inspect.js';

export type Rand = () => number;

/** mulberry32: a small deterministic PRNG in [0, 1). */
export function mulberry32(seed: number): Rand {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

/** Header values a hostile or broken sender writes. */
const HOSTILE_VALUES: Record<string, readonly string[]> = {
  'content-type': [
    '', ';', '; name="a.pdf"', ' ; name=van-ban.pdf', 'application/pkcs7-mime', 'application/pkcs7-mime; smime-type=signed-data; name=smime.p7m',
    'application/x-pkcs7-mime; smime-type=enveloped-data', 'multipart/mixed', 'multipart/mixed; boundary=', 'multipart/mixed; boundary=""',
    'multipart/signed; protocol="application/pkcs7-signature"', 'multipart/report; report-type=delivery-status', 'message/rfc822', 'message/delivery-status',
    'text/plain; charset=x-unknown-charset', 'text/html; charset="utf-16"', 'text/plain; charset=windows-1258', '/', 'application/', '/pdf',
    'APPLICATION/PDF; NAME*=UTF-8\'\'Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf', 'application/pdf; name*0="a"; name*1="b.pdf"; name*5="x"',
    'application/ms-tnef; name=winmail.dat', 'text/plain; format=flowed; delsp=yes', '\u0000\u0001', 'x'.repeat(5000),
  ],
  'content-transfer-encoding': ['', 'base64', 'quoted-printable', 'x-uuencode', '8bit', 'binary', 'gzip', 'BASE64 ', '7bit; x=y'],
  'content-disposition': ['', 'attachment', 'attachment; filename=', 'inline; filename="../../etc/passwd"', 'attachment; filename*=UTF-8\'\'%FF%FE', 'attachment; filename="a\u0000b.pdf"', 'form-data; name=x'],
  subject: ['', '=?utf-8?B?@@@?=', '=?x-unknown?Q?abc?=', '=?utf-8?Q?M=E1=BA=ACT?= - =?UTF-8?B?', '[MẬT] ' + 'a'.repeat(3000), 'TỐI MẬT: Công văn', '\u00ff\u00fe', '=?utf-8?B?' + 'A'.repeat(4000) + '?='],
  from: ['', '<>', '"" <@>', 'a@', '@b', 'undisclosed-recipients:;', 'a@b.c, d@e.f', '=?utf-8?B?ZmFrZQ==?= <x@y.z>', '"\\"" <a@b.c>', 'group: a@b.c, (comment) d@e.f;'],
  'message-id': ['', '<>', '<<a@b>>', 'no-brackets@host', '<a@b> <c@d>', '<' + 'x'.repeat(2000) + '@h>'],
  date: ['', 'yesterday', 'Mon, 32 Foo 99999 25:61:61 +9999', '0', 'Thu, 01 Jan 1970 00:00:00 +0000'],
};
const HEADER_NAMES = Object.keys(HOSTILE_VALUES);

type Mutator = (raw: Buffer, rand: Rand, corpus: readonly Buffer[]) => Buffer;

const headerEnd = (raw: Buffer): number => {
  const i = raw.indexOf('\r\n\r\n');
  const j = raw.indexOf('\n\n');
  return i >= 0 && (j < 0 || i < j) ? i : j >= 0 ? j : raw.length;
};

/** Replace (or add) one header's value, at the top or in a random part. */
const mangleHeader: Mutator = (raw, rand) => {
  const name = pick(rand, HEADER_NAMES);
  const value = pick(rand, HOSTILE_VALUES[name]!);
  const text = raw.toString('latin1');
  const re = new RegExp(`^${name}:[^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*`, 'gimu');
  const hits = [...text.matchAll(re)];
  const line = `${name.replace(/(^|-)\w/gu, c => c.toUpperCase())}: ${value}`;
  if (hits.length === 0 || rand() < 0.2) return Buffer.concat([Buffer.from(`${line}\r\n`, 'utf8'), raw]);
  const h = pick(rand, hits);
  return Buffer.concat([Buffer.from(text.slice(0, h.index), 'latin1'), Buffer.from(line, 'utf8'), Buffer.from(text.slice(h.index + h[0].length), 'latin1')]);
};

/** Damage a multipart boundary: drop the closing delimiter, rename it in the header, or repeat/cut delimiters. */
const damageBoundary: Mutator = (raw, rand) => {
  const text = raw.toString('latin1');
  const m = /boundary\s*=\s*"?([^";\r\n]+)"?/iu.exec(text);
  if (!m) return truncate(raw, rand, []);
  const b = m[1]!;
  const mode = int(rand, 5);
  if (mode === 0) return Buffer.from(text.split(`--${b}--`).join(''), 'latin1');
  if (mode === 1) return Buffer.from(text.replace(m[0], `boundary="${b}x"`), 'latin1');
  if (mode === 2) return Buffer.from(text.replace(`--${b}\r\n`, `--${b}\r\n--${b}\r\n\r\n--${b}\r\n`), 'latin1');
  if (mode === 3) return Buffer.from(text.replace(m[0], 'boundary='), 'latin1');
  return Buffer.from(text.split(`--${b}`).join(`--${b.slice(0, Math.max(1, b.length - 2))}`), 'latin1');
};

/** Cut the mail anywhere (inside a header, a base64 line, a boundary). */
const truncate: Mutator = (raw, rand) => raw.subarray(0, int(rand, raw.length + 1));

/** Break a transfer-encoded body: invalid base64, a bad QP escape, or a different declared encoding. */
const breakEncoding: Mutator = (raw, rand) => {
  const text = raw.toString('latin1');
  const mode = int(rand, 4);
  if (mode === 0) return Buffer.from(text.replace(/^([A-Za-z0-9+/]{20,76})$/mu, l => `${l.slice(0, 10)}!!\u0000==${l.slice(14)}`), 'latin1');
  if (mode === 1) return Buffer.from(text.replace(/=\r?\n/u, '=Z\r\n=').replace(/=[0-9A-F]{2}/u, '=G'), 'latin1');
  if (mode === 2) return Buffer.from(text.replace(/Content-Transfer-Encoding:\s*\S+/iu, `Content-Transfer-Encoding: ${pick(rand, HOSTILE_VALUES['content-transfer-encoding']!)}`), 'latin1');
  return Buffer.from(text.replace(/Content-Transfer-Encoding:\s*base64/iu, 'Content-Transfer-Encoding: quoted-printable'), 'latin1');
};

/** Wrap the whole mail: as a forwarded message/rfc822 part, or as an S/MIME body over broken bytes. */
const nest: Mutator = (raw, rand) => {
  const depth = 1 + int(rand, 6);
  let out = raw;
  for (let i = 0; i < depth; i++) {
    const b = `nest-${i}-${int(rand, 1e6)}`;
    out =
      rand() < 0.7
        ? Buffer.concat([Buffer.from(`From: a@b.c\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: message/rfc822\r\n\r\n`), out, Buffer.from(`\r\n--${b}--\r\n`)])
        : Buffer.concat([Buffer.from('From: a@b.c\r\nSubject: S\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n'), Buffer.from(out.toString('base64').slice(0, int(rand, out.length * 2)))]);
  }
  return out;
};

/** Flip, insert or delete random bytes (NULs and 8-bit included). */
const randomBytes: Mutator = (raw, rand) => {
  const out = Array.from(raw);
  const n = 1 + int(rand, 40);
  for (let k = 0; k < n && out.length > 0; k++) {
    const at = int(rand, out.length);
    const mode = int(rand, 3);
    if (mode === 0) out[at] = int(rand, 256);
    else if (mode === 1) out.splice(at, 0, pick(rand, [0, 0x0d, 0x0a, 0x3d, 0x2d, 0xff, int(rand, 256)]));
    else out.splice(at, 1 + int(rand, 16));
  }
  return Buffer.from(out);
};

/** Splice the body of another fixture into this one (mixed structures). */
const splice: Mutator = (raw, rand, corpus) => {
  const other = pick(rand, corpus);
  const cut = headerEnd(raw);
  const from = int(rand, Math.max(1, other.length));
  return Buffer.concat([raw.subarray(0, Math.min(raw.length, cut + int(rand, raw.length - cut + 1))), other.subarray(from, from + int(rand, other.length - from + 1))]);
};

/** Every mutation kind, by name (the test and the benchmark report which ones ran). */
export const MUTATORS: ReadonlyArray<readonly [string, Mutator]> = [
  ['header', mangleHeader],
  ['boundary', damageBoundary],
  ['truncate', truncate],
  ['encoding', breakEncoding],
  ['nest', nest],
  ['random-bytes', randomBytes],
  ['splice', splice],
];

/** One mutant of `raw`: 1–3 mutations in a row; returns the bytes and the names of the mutations. */
export function mutateMail(raw: Buffer, rand: Rand, corpus: readonly Buffer[]): { bytes: Buffer; ops: string[] } {
  let bytes = raw;
  const ops: string[] = [];
  const n = 1 + int(rand, 3);
  for (let i = 0; i < n; i++) {
    const [name, m] = pick(rand, MUTATORS);
    bytes = m(bytes, rand, corpus);
    ops.push(name);
  }
  return { bytes, ops };
}

/** The fixtures of test/fixtures/eml, by name. */
export function emlCorpus(): Array<{ name: string; raw: Buffer }> {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/eml');
  return readdirSync(dir)
    .filter(f => f.endsWith('.eml'))
    .sort()
    .map(name => ({ name, raw: readFileSync(path.join(dir, name)) }));
}

export type FuzzReport = {
  seed: number;
  count: number;
  /** Inputs that ended in an exception or a result that is not plain JSON: must be none. */
  internalErrors: Array<{ index: number; fixture: string; ops: string[]; error: string }>;
  /** Inputs answered with a quarantine reason (limit exceeded or unparseable). */
  quarantined: number;
  kinds: Record<string, number>;
};

/** Run `count` mutants (seeded) through inspect's code path; see FuzzReport. */
export async function runFuzz(seed: number, count: number, onInput?: (index: number) => void): Promise<FuzzReport> {
  const rand = mulberry32(seed);
  const corpus = emlCorpus();
  const raws = corpus.map(c => c.raw);
  const report: FuzzReport = { seed, count, internalErrors: [], quarantined: 0, kinds: {} };
  for (let i = 0; i < count; i++) {
    const base = corpus[i % corpus.length]!;
    const { bytes, ops } = mutateMail(base.raw, rand, raws);
    onInput?.(i);
    try {
      const { result } = await inspectMailDetailed(bytes);
      // The CLI prints JSON: the result must survive a round trip.
      JSON.parse(JSON.stringify(result));
      if (typeof result.kind !== 'string' || !Array.isArray(result.warnings)) throw new Error('result without kind or warnings');
      if (result.quarantine || result.warnings.some(w => w.startsWith('MAIL_UNPARSEABLE'))) report.quarantined++;
      report.kinds[result.kind] = (report.kinds[result.kind] ?? 0) + 1;
    } catch (err) {
      report.internalErrors.push({ index: i, fixture: base.name, ops, error: (err as Error)?.stack ?? String(err) });
    }
  }
  return report;
}
