/**
 * Attachment file names from the wire are hostile input: they become paths in exports and names in
 * the register. Keep Vietnamese letters; drop path separators, control characters and leading dots;
 * cap the length (keeping the extension).
 */

/** Longest name we keep, in characters (ext4/NTFS allow 255 bytes; Vietnamese takes up to 3 bytes a letter). */
export const MAX_FILENAME_CHARS = 120;

/** Sanitise one file name; returns `fallback` when nothing usable is left. */
export function sanitizeFilename(name: string | null | undefined, fallback = 'attachment'): string {
  let s = (name ?? '').normalize('NFC');
  // Keep only the last path segment: '../../etc/passwd' → 'passwd', 'C:\\x\\y.pdf' → 'y.pdf'.
  s = s.split(/[/\\]/u).filter(p => p.length > 0).pop() ?? '';
  s = s
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/[<>:"|?*]/gu, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (s.length > MAX_FILENAME_CHARS) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
    s = Array.from(s.slice(0, s.length - ext.length)).slice(0, MAX_FILENAME_CHARS - ext.length).join('').trimEnd() + ext;
  }
  return s.length > 0 ? s : fallback;
}
