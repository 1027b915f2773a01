import test from 'ava';
import { inspectMail } from '../../src/mail/inspect.js';
import { MUTATORS, emlCorpus, mulberry32, mutateMail, runFuzz } from '../helpers/mutate-mail.js';

const SEED = 20261121;
const COUNT = Number(process.env.FUZZ_COUNT ?? 300);

test(`parser fuzz: ${COUNT} seeded mutants of the fixtures, no internal error`, async t => {
  const report = await runFuzz(SEED, COUNT);
  t.deepEqual(report.internalErrors.map(e => `#${e.index} ${e.fixture} [${e.ops.join(',')}]: ${e.error.split('\n')[0]}`), []);
  t.is(Object.values(report.kinds).reduce((a, b) => a + b, 0), COUNT);
});

test('the mutator is deterministic for a seed and uses every mutation kind', t => {
  const corpus = emlCorpus().map(c => c.raw);
  const run = (): string[] => {
    const rand = mulberry32(7);
    return Array.from({ length: 100 }, (_, i) => mutateMail(corpus[i % corpus.length]!, rand, corpus)).map(m => `${m.ops.join('+')}:${m.bytes.length}`);
  };
  const a = run();
  t.deepEqual(a, run());
  const used = new Set(a.flatMap(x => x.split(':')[0]!.split('+')));
  t.deepEqual([...used].sort(), MUTATORS.map(([n]) => n).sort());
});

/** The mangled Content-Types that made inspect throw a TypeError (parse.ts read `contentType.toLowerCase`). */
const MANGLED = [
  ['an empty type with a name, in a multipart', 'From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: ; name="a.pdf"\r\nContent-Disposition: attachment\r\n\r\nhello\r\n--x--\r\n'],
  ['an empty top-level type with a name', 'From: a@b.c\r\nSubject: x\r\nContent-Type: ; name="a.pdf"\r\n\r\nhello\r\n'],
  ['outer pkcs7-mime over a broken body', 'From: a@b.c\r\nSubject: x\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx!!\r\n'],
  ['a slash alone', 'From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\nContent-Type: /\r\n\r\n%PDF-1.4\r\n--y--\r\n'],
] as const;

for (const [name, raw] of MANGLED) {
  test(`mangled Content-Type: ${name} gives a result, not a TypeError`, async t => {
    const r = await inspectMail(Buffer.from(raw));
    t.is(typeof r.kind, 'string');
  });
}
