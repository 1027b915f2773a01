import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';

/** Every TypeScript file under src/signature. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// signature/ is pure (CONTRIBUTING: no I/O, no clock): time, HTTP and font bytes come in as parameters.
const FORBIDDEN: Array<[string, RegExp]> = [
  ['reads the clock', /new Date\(\s*\)|Date\.now\(/],
  ['reads files', /from 'node:fs|from 'fs'|from 'node:fs\/promises'/],
  ['calls the global fetch', /(?<![.\w])fetch\(/],
  ['imports an I/O layer', /from '\.\.\/(\.\.\/)?(io|db|store)\//],
  ['reads the process environment', /process\.(env|argv|cwd)/],
  ['draws randomness', /randomBytes|Math\.random/],
];

for (const f of files(path.resolve('src/signature'))) {
  test(`signature/ stays pure: ${path.relative('src', f)}`, t => {
    const text = fs.readFileSync(f, 'utf8');
    for (const [what, re] of FORBIDDEN) t.false(re.test(text), `${f} ${what}`);
  });
}
