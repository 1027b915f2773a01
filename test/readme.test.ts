import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/commands/index.js';
import { EVENTS } from '../src/events.js';

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../README.md'), 'utf8');

test('the README lists every event code (scripts/readme-events.ts regenerates the table)', t => {
  for (const code of Object.keys(EVENTS)) t.true(readme.includes(`\`${code}\``), `${code} is missing from README.md`);
});

test('the README documents every CLI command, and each table entry loads the command of its words', async t => {
  for (const entry of COMMANDS) {
    t.true(readme.includes(entry.path.join(' ')), `${entry.path.join(' ')} is missing from README.md`);
    t.deepEqual((await entry.load()).path, entry.path);
  }
});

test('the README opens with the two commands, and .ci/run calls the test one', t => {
  const first = readme.split('\n').slice(0, 6).join('\n');
  t.regex(first, /npm ci && npm run demo/);
  t.regex(first, /npm ci && npm test/);
  const ci = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.ci/run'), 'utf8');
  t.regex(ci, /^npm ci && npm test$/m);
});
