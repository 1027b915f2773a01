/** fontkit glue for the Vietnamese stamp font (the font bytes come from the caller: signature/ reads no files). */

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
