/** poppler's pdftoppm as a rendering oracle: page images to compare what a viewer shows. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';

/**
 * Images already drawn in this process, by a hash of the exact input bytes, page and dpi: the signed
 * base of an attack is drawn once, not once per attack (docs/testing.md §Unit suite speed). Equal
 * bytes give an equal image, so the cache cannot turn a difference into a match.
 */
const drawn = new Map<string, Buffer>();

/** Raw PPM of page `page` at `dpi` (pdftoppm from poppler-utils, installed by scripts/setup.sh). */
export function render(pdf: Buffer, page = 1, dpi = 36): Buffer {
  const key = `${crypto.createHash('sha256').update(pdf).digest('hex')}:${page}:${dpi}`;
  const known = drawn.get(key);
  if (known) return known;
  const image = draw(pdf, page, dpi);
  drawn.set(key, image);
  return image;
}

function draw(pdf: Buffer, page: number, dpi: number): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-render-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
    const r = spawnSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'out')], { encoding: 'utf8' });
    if (r.error) throw new Error('pdftoppm missing: apt-get install -y poppler-utils');
    return fs.readFileSync(path.join(dir, 'out.ppm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether two files show the same first page, pixel for pixel. */
export function looksSame(a: Buffer, b: Buffer): boolean {
  return render(a).equals(render(b));
}

/** pdfsig (poppler) output, certificate checks off: the crypto and coverage lines are the oracle. */
export function pdfsig(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-pdfsig-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.pdf'), pdf);
    const r = spawnSync('pdfsig', ['-nocert', path.join(dir, 'in.pdf')], { encoding: 'utf8' });
    if (r.error) throw new Error('pdfsig missing: apt-get install -y poppler-utils');
    return r.stdout + r.stderr;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
