/**
 * ZIP archives in edXML AttachmentEncoded parts: one Java peer zips each attachment before base64.
 * Read with fflate (PKWARE APPNOTE §4.3: central directory; stored and deflate entries) under the
 * `limits.decode` table (docs/hostile-input.md §Limits):
 * - the number of entries and the declared sizes are checked in fflate's filter, before anything is
 *   inflated; fflate allocates exactly the declared size and never writes past it, so an entry whose
 *   header understates its size is cut there (its digest then fails the envelope's manifest check);
 * - the declared ratio of uncompressed to compressed size (entries above 1 MiB);
 * - nesting: a ZIP inside a ZIP is opened up to `zipMaxNesting` levels, sharing one budget.
 * A damaged archive gives no entries and a problem; an exceeded limit gives a LimitExceeded. Never throws.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import { limitExceeded, mib, type LimitExceeded } from '../domain/limits.js';

export type ZipEntry = { name: string; content: Buffer };

/** What one mail's archives have used so far: shared by every archive (and nested archive) of a mail. */
export type ZipBudget = { entries: number; bytes: number };

export type UnzipResult = { entries: ZipEntry[]; exceeded: LimitExceeded | null; problem: string | null };

/** Entries below this declared size are never judged by their ratio (small texts compress well). */
const RATIO_FLOOR = 1024 * 1024;

/** True when the bytes start with a ZIP local file header. */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Thrown inside fflate's filter to stop reading at the first exceeded limit. */
class Stop {
  constructor(readonly exceeded: LimitExceeded) {}
}

/** The file entries of a ZIP archive under the limits; see the module comment. */
export function unzip(b: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget: ZipBudget = { entries: 0, bytes: 0 }, depth = 1): UnzipResult {
  let files: Record<string, Uint8Array>;
  const names = new Map<string, string>();
  try {
    files = unzipSync(b, { filter: (f: UnzipFileInfo) => admit(f, limits, budget, names) });
  } catch (err) {
    if (err instanceof Stop) return { entries: [], exceeded: err.exceeded, problem: null };
    return { entries: [], exceeded: null, problem: `damaged ZIP archive: ${(err as Error)?.message ?? String(err)}` };
  }
  const entries: ZipEntry[] = [];
  for (const [raw, content] of Object.entries(files)) {
    const entry = { name: names.get(raw) ?? raw.normalize('NFC'), content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) };
    if (!isZip(entry.content)) {
      entries.push(entry);
      continue;
    }
    if (depth >= limits.zipMaxNesting) {
      return { entries: [], exceeded: limitExceeded('ZIP_NESTING', `${entry.name}: ZIP inside ZIP deeper than ${limits.zipMaxNesting} level(s)`), problem: null };
    }
    const inner = unzip(entry.content, limits, budget, depth + 1);
    if (inner.exceeded) return inner;
    if (inner.problem) return { entries: [], exceeded: null, problem: `${entry.name}: ${inner.problem}` };
    entries.push(...inner.entries);
  }
  return { entries, exceeded: null, problem: null };
}

/** fflate's filter: count and size every entry before it is inflated; throw Stop at the first exceeded limit. */
function admit(f: UnzipFileInfo, limits: DecodeLimits, budget: ZipBudget, names: Map<string, string>): boolean {
  budget.entries++;
  if (budget.entries > limits.zipMaxEntries) throw new Stop(limitExceeded('ZIP_TOO_MANY_ENTRIES', `more than ${limits.zipMaxEntries} ZIP entries`));
  if (f.name.endsWith('/') || (f.compression !== 0 && f.compression !== 8)) return false;
  const size = f.originalSize;
  if (size > limits.zipMaxEntryBytes) throw new Stop(limitExceeded('ZIP_TOO_LARGE', `${f.name}: declared ${mib(size)} > ${mib(limits.zipMaxEntryBytes)} per entry`));
  if (budget.bytes + size > limits.zipMaxTotalBytes) throw new Stop(limitExceeded('ZIP_TOO_LARGE', `ZIP entries total more than ${mib(limits.zipMaxTotalBytes)}`));
  if (size > RATIO_FLOOR && size / Math.max(1, f.size) > limits.zipMaxRatio) {
    throw new Stop(limitExceeded('ZIP_RATIO', `${f.name}: ${mib(size)} from ${mib(f.size)} (ratio above ${limits.zipMaxRatio})`));
  }
  budget.bytes += size;
  names.set(f.name, f.name.normalize('NFC'));
  return true;
}
