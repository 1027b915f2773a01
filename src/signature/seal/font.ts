/** Locate the Unicode TrueType font used for Vietnamese stamps (Debian package fonts-dejavu-core). */
import fs from 'node:fs';
import { BridgeError } from '../../errors.js';

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
    try { cached = fs.readFileSync(p); return cached; } catch { /* next */ }
  }
  throw new BridgeError('SIGNING_FAILED', `no Unicode font for the stamp: install fonts-dejavu-core (looked in ${FONT_CANDIDATES.join(', ')})`);
}

type Subset = { includeGlyph(g: unknown): number; encodeStream(): unknown };
type FontkitLike = { create(buf: Uint8Array, name?: string): object };

/**
 * @cantoo/pdf-lib 2.11 calls `subset.encode()` when it exists (its own @cantoo/fontkit API), but
 * @pdf-lib/fontkit's `encode(stream)` needs a stream argument and crashes. Hand it a subset that only
 * offers `encodeStream()`, the @pdf-lib/fontkit API it also supports.
 */
export function adaptFontkit(fontkit: FontkitLike): FontkitLike {
  return {
    create(buf: Uint8Array, name?: string) {
      const font = fontkit.create(buf, name) as Record<string | symbol, unknown>;
      return new Proxy(font, {
        get(target, prop) {
          if (prop === 'createSubset') {
            return () => {
              const sub = (target.createSubset as () => Subset).call(target);
              return { includeGlyph: (g: unknown) => sub.includeGlyph(g), encodeStream: () => sub.encodeStream() };
            };
          }
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
}
