/** Read the Unicode TrueType font for Vietnamese stamps (Debian package fonts-dejavu-core) from disk. */
import fs from 'node:fs';
import { BridgeError } from '../errors.js';

/** Where Debian and common distributions install DejaVu Sans. */
export const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
];

let cached: Buffer | undefined;

/** Bytes of DejaVuSans.ttf (WinAnsi standard fonts cannot encode "Số", "Đ", "ư"); throws SIGNING_FAILED when absent. */
export function stampFont(path?: string): Buffer {
  if (path) return fs.readFileSync(path);
  if (cached) return cached;
  for (const p of FONT_CANDIDATES) {
    try { cached = fs.readFileSync(p); return cached; } catch { /* ENOENT: try the next location */ }
  }
  throw new BridgeError('SIGNING_FAILED', `no Unicode font for the stamp: install fonts-dejavu-core (looked in ${FONT_CANDIDATES.join(', ')})`);
}
