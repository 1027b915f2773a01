/**
 * A PDF's decompression budget, checked before pdfjs or pdf-lib sees the file (docs/hostile-input.md
 * §PDF streams). Neither library bounds what a stream may inflate to: a 700 KB flate bomb made
 * `inspect` take 1.7 GB. This pass decodes every stream once, in one linear walk of the file, counting
 * the output and dropping it at once, and stops at the first exceeded limit:
 * - FlateDecode through node:zlib with `maxOutputLength` (no inflate allocates more than the
 *   per-stream limit), or, for damaged data, fflate's streaming inflater fed 16 KiB at a time and
 *   counted (chained filters are decoded in turn, each under the per-stream limit);
 * - LZWDecode and RunLengthDecode are counted without building their output;
 * - image-only filters (DCT, JPX, JBIG2, CCITTFax) end the chain: our readers never decode images
 *   (text extraction and page counting read content and object streams only).
 * A stream's bytes run from its `stream` keyword to its `endstream`, or to its direct /Length when
 * that is longer: a reader that follows /Length never decodes more than this pass counted.
 * Pure and synchronous; never throws.
 */
import { constants, inflateSync } from 'node:zlib';
import { Unzlib } from 'fflate';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import { limitExceeded, mib, type LimitExceeded } from '../domain/limits.js';

export type StreamBudget = { ok: true; streams: number; decodedBytes: number } | { ok: false; exceeded: LimitExceeded };

/** Streams below this decoded size are never judged by their ratio (blank scans compress well). */
const RATIO_FLOOR = 8 * 1024 * 1024;
/** How far before `stream` we look for its dictionary. */
const DICT_WINDOW = 4096;
/** Input bytes inflated per step: at most ~16 MiB of output per step (deflate's ratio is at most 1032:1). */
const INFLATE_STEP = 16 * 1024;

const STREAM = Buffer.from('stream', 'latin1');
const ENDSTREAM = Buffer.from('endstream', 'latin1');

/** Decode every stream of `pdf` under `limits`, counting; see the module comment. */
export function checkPdfStreams(pdf: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): StreamBudget {
  let streams = 0;
  let total = 0;
  let pos = 0;
  for (;;) {
    const at = pdf.indexOf(STREAM, pos);
    if (at < 0) break;
    pos = at + STREAM.length;
    // The keyword, not the tail of "endstream", and followed by its end of line (ISO 32000-1 §7.3.8.1).
    if (at >= 3 && pdf.toString('latin1', at - 3, at) === 'end') continue;
    let start = at + STREAM.length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] !== 0x0a && pdf[start - 1] !== 0x0d) continue;
    if (pdf[start] === 0x0a) start++;
    const dict = pdf.toString('latin1', Math.max(0, at - DICT_WINDOW), at);
    const dictStart = Math.max(dict.lastIndexOf('obj'), dict.lastIndexOf('endstream'));
    const head = dict.slice(dictStart < 0 ? 0 : dictStart);
    const endAt = pdf.indexOf(ENDSTREAM, start);
    const length = /\/Length\s+(\d{1,12})(?!\s+\d+\s+R)/u.exec(head);
    let end = endAt < 0 ? pdf.length : endAt;
    if (length) end = Math.min(pdf.length, Math.max(end, start + Number(length[1])));
    streams++;
    if (streams > limits.pdfMaxStreams) return { ok: false, exceeded: limitExceeded('PDF_TOO_MANY_STREAMS', `more than ${limits.pdfMaxStreams} streams`) };

    const early = /\/EarlyChange\s+0\b/u.test(head) ? 0 : 1;
    const r = decodeChain(pdf.subarray(start, end), filtersOf(head), limits, limits.pdfMaxDecodedBytes - total, early);
    if ('exceeded' in r) return { ok: false, exceeded: r.exceeded };
    total += r.bytes;
    pos = endAt < 0 ? pdf.length : endAt + ENDSTREAM.length;
  }
  return { ok: true, streams, decodedBytes: total };
}

/** The filter names of a stream dictionary, in order: `/Filter /FlateDecode` or `/Filter [/A /B]`. */
export function filtersOf(dict: string): string[] {
  const m = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+)/u.exec(dict);
  if (!m) return [];
  return [...m[1]!.matchAll(/\/([^\s/[\]<>()]+)/gu)].map(x => x[1]!);
}

type Decoded = { bytes: number } | { exceeded: LimitExceeded };

function decodeChain(data: Buffer, filters: string[], limits: DecodeLimits, remaining: number, earlyChange: number): Decoded {
  let cur: Buffer = data;
  let bytes = data.length;
  for (const [i, f] of filters.entries()) {
    const cap = Math.min(limits.pdfMaxStreamBytes, remaining);
    const keep = i + 1 < filters.length;
    let out: number | Buffer | null;
    if (f === 'FlateDecode' || f === 'Fl') out = inflateCapped(cur, cap, keep);
    else if (f === 'LZWDecode' || f === 'LZW') out = lzwLength(cur, cap + 1, earlyChange);
    else if (f === 'RunLengthDecode' || f === 'RL') out = runLengthLength(cur);
    else break; // ASCII filters shrink; image filters are never decoded by our readers.
    if (out === null) return tooLarge(cap, remaining, limits);
    const n = typeof out === 'number' ? out : out.length;
    if (n > cap) return tooLarge(cap, remaining, limits);
    if (n > RATIO_FLOOR && n / Math.max(1, data.length) > limits.pdfMaxRatio) {
      return { exceeded: limitExceeded('PDF_RATIO', `a stream decodes ${mib(data.length)} into ${mib(n)} (ratio above ${limits.pdfMaxRatio})`) };
    }
    bytes = n;
    // A counted-only stage ends the chain (LZW and RunLength before another filter are not seen in practice).
    if (typeof out === 'number') break;
    cur = out;
  }
  return { bytes };
}

function tooLarge(cap: number, remaining: number, limits: DecodeLimits): Decoded {
  return remaining <= limits.pdfMaxStreamBytes
    ? { exceeded: limitExceeded('PDF_TOO_LARGE', `streams decode to more than ${mib(limits.pdfMaxDecodedBytes)} in all`) }
    : { exceeded: limitExceeded('PDF_STREAM_TOO_LARGE', `a stream decodes to more than ${mib(cap)}`) };
}

/**
 * Inflate a zlib stream into at most `cap` bytes; null once the output would pass `cap`. node:zlib
 * first (fast; `maxOutputLength` bounds its allocation). When it fails on damaged data or a wrong
 * Adler-32 (which pdfjs does not check), fflate's streaming inflater counts what the data gives
 * before the damage, fed 16 KiB at a time, as a lenient reader decodes it.
 */
function inflateCapped(data: Buffer, cap: number, keep: boolean): Buffer | number | null {
  try {
    return inflateSync(data, { maxOutputLength: Math.max(1, cap + 1), finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return null;
  }
  const chunks: Uint8Array[] = [];
  let n = 0;
  let over = false;
  const z = new Unzlib((chunk: Uint8Array) => {
    n += chunk.length;
    if (n > cap) over = true;
    else if (keep) chunks.push(chunk);
  });
  try {
    for (let i = 0; i < data.length && !over; i += INFLATE_STEP) z.push(data.subarray(i, i + INFLATE_STEP), false);
  } catch {
    /* damaged: count what came out */
  }
  if (over) return null;
  return keep ? Buffer.concat(chunks) : n;
}

/**
 * The decoded length of LZW data (ISO 32000-1 §7.4.4) without building it: each code
 * stands for a string one byte longer than the entry it extends. Stops past `stopAt`.
 */
function lzwLength(data: Buffer, stopAt: number, earlyChange: number): number {
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) lengths[i] = 1;
  let next = 258;
  let width = 9;
  let prev = -1;
  let total = 0;
  let bitBuf = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    bitBuf = ((bitBuf << 8) | data[i]!) >>> 0;
    bits += 8;
    while (bits >= width) {
      const code = (bitBuf >>> (bits - width)) & ((1 << width) - 1);
      bits -= width;
      if (code === 256) {
        next = 258;
        width = 9;
        prev = -1;
        continue;
      }
      if (code === 257) return total;
      let len: number;
      if (code < next && (code < 256 || code >= 258)) len = lengths[code]!;
      else if (code === next && prev >= 0) len = lengths[prev]! + 1;
      else return total; // damaged data: readers stop here too
      if (prev >= 0 && next < 4096) lengths[next++] = Math.min(65535, lengths[prev]! + 1);
      total += len;
      if (total > stopAt) return total;
      prev = code;
      if (next + earlyChange >= 1 << width && width < 12) width++;
    }
    bitBuf &= (1 << bits) - 1;
  }
  return total;
}

/** The decoded length of RunLengthDecode data (ISO 32000-1 §7.4.5). */
function runLengthLength(data: Buffer): number {
  let total = 0;
  for (let i = 0; i < data.length; ) {
    const n = data[i]!;
    if (n === 128) break;
    if (n < 128) {
      total += n + 1;
      i += n + 2;
    } else {
      total += 257 - n;
      i += 2;
    }
  }
  return total;
}
