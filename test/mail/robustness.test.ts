import test from 'ava';
import { inspectMail } from '../../src/mail/inspect.js';
import { eml, emlNames } from './helpers.js';

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('truncated and corrupted fixtures never make inspectMail throw', async t => {
  const rand = rng(20190515);
  const names = emlNames();
  for (let i = 0; i < 60; i++) {
    const name = names[Math.floor(rand() * names.length)]!;
    const raw = Buffer.from(eml(name));
    if (raw.length === 0) continue;
    const mode = i % 3;
    let mutated: Buffer;
    if (mode === 0) mutated = raw.subarray(0, Math.floor(rand() * raw.length));
    else if (mode === 1) {
      mutated = Buffer.from(raw);
      for (let k = 0; k < 20; k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
    } else {
      const at = Math.floor(rand() * raw.length);
      mutated = Buffer.concat([raw.subarray(0, at), Buffer.from('\r\n--\r\n\r\n=?utf-8?B?@@?=\0'), raw.subarray(at)]);
    }
    const r = await inspectMail(mutated);
    t.is(typeof r.kind, 'string', `${name} mode ${mode}`);
    t.true(Array.isArray(r.warnings));
  }
});
