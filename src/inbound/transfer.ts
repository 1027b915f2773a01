/**
 * Moving a mail's bytes to and from a prepare worker without copying them
 * (docs/hostile-input.md §Memory of one large mail): an ArrayBuffer in a postMessage transfer list
 * changes thread instead of being cloned, and the sender's views of it become empty.
 */

/** Below this a copy costs nothing worth saving. */
const WORTH_MOVING = 64 * 1024;

/** True when only this view's owner can see its memory: it covers its whole ArrayBuffer (so it is not a slice of Node's shared pool). */
export function ownsItsMemory(b: Uint8Array): boolean {
  return b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.byteLength >= WORTH_MOVING;
}

/**
 * The ArrayBuffers behind the large byte arrays of a result, each once: moved back to the main
 * thread. Only buffers larger than Node's pool (Buffer.poolSize) are taken, so a pooled slice never
 * is; the worker holds nothing of the result after posting it.
 */
export function transferablesOf(value: unknown, seen = new Set<object>(), out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [...out];
  seen.add(value);
  if (value instanceof Uint8Array) {
    if (value.buffer instanceof ArrayBuffer && value.byteLength >= WORTH_MOVING && value.buffer.byteLength > Buffer.poolSize) out.add(value.buffer);
    return [...out];
  }
  if (value instanceof Date) return [...out];
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferablesOf(v, seen, out);
  return [...out];
}
