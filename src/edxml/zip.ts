/**
 * Minimal ZIP reader for edXML AttachmentEncoded parts: one Java peer zips each attachment before
 * base64 (docs/edxml.md §Attachments inside the envelope). Reads the central directory (PKWARE APPNOTE §4.3), stored (0) and deflate
 * (8) entries only; bounded output so a zip bomb cannot exhaust memory. Never throws.
 */
import { inflateRawSync } from 'node:zlib';

export type ZipEntry = { name: string; content: Buffer };

/** Largest uncompressed entry we accept (bytes). */
export const MAX_UNZIPPED = 100 * 1024 * 1024;

/** True when the bytes start with a ZIP local file header. */
export function isZip(b: Buffer): boolean {
  return b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
}

/** The file entries of a ZIP archive; [] when it is not one or is damaged. */
export function unzip(b: Buffer): ZipEntry[] {
  try {
    const eocd = findEocd(b);
    if (eocd < 0) return [];
    const count = b.readUInt16LE(eocd + 10);
    let p = b.readUInt32LE(eocd + 16);
    const out: ZipEntry[] = [];
    for (let i = 0; i < count && p + 46 <= b.length; i++) {
      if (b.readUInt32LE(p) !== 0x02014b50) break;
      const flags = b.readUInt16LE(p + 8);
      const method = b.readUInt16LE(p + 10);
      const compressed = b.readUInt32LE(p + 20);
      const size = b.readUInt32LE(p + 24);
      const nameLen = b.readUInt16LE(p + 28);
      const extraLen = b.readUInt16LE(p + 30);
      const commentLen = b.readUInt16LE(p + 32);
      const local = b.readUInt32LE(p + 42);
      const rawName = b.subarray(p + 46, p + 46 + nameLen);
      // Bit 11: UTF-8 names; older tools write CP437, read as latin1.
      const name = (flags & 0x800 ? rawName.toString('utf8') : rawName.toString('latin1')).normalize('NFC');
      p += 46 + nameLen + extraLen + commentLen;
      if (name.endsWith('/') || size > MAX_UNZIPPED || b.readUInt32LE(local) !== 0x04034b50) continue;
      const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
      const data = b.subarray(start, start + compressed);
      if (method === 0) out.push({ name, content: Buffer.from(data) });
      else if (method === 8) out.push({ name, content: inflateRawSync(data, { maxOutputLength: MAX_UNZIPPED }) });
    }
    return out;
  } catch {
    return [];
  }
}

function findEocd(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) if (b.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}
