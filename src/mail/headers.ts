/**
 * Header helpers: RFC 2047 encoded-word decoding (any charset iconv-lite knows, windows-1258
 * included), unfolding, RFC 822-style field blocks (message/delivery-status, RFC 3464 §2.1, and
 * message/disposition-notification, RFC 8098 §3.1), Message-ID lists.
 */
import iconv from 'iconv-lite';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/gu;

/** Decode bytes in a charset; unknown charsets fall back to UTF-8 (then latin1 if invalid). */
export function decodeCharset(bytes: Buffer, charset: string | null | undefined): string {
  const cs = (charset ?? '').trim().replace(/\*.*$/u, '').toLowerCase();
  if (cs && cs !== 'utf-8' && cs !== 'utf8' && iconv.encodingExists(cs)) return iconv.decode(bytes, cs);
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\uFFFD') && cs !== 'utf-8' && cs !== 'utf8' ? bytes.toString('latin1') : utf8;
}

/** Decode RFC 2047 encoded-words in a header value; adjacent encoded-words join without their whitespace. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/gu, '$1');
  return joined.replace(ENCODED_WORD, (whole, charset: string, enc: string, text: string) => {
    try {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/gu, ' ').replace(/=([0-9A-Fa-f]{2})/gu, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset);
    } catch {
      // A malformed encoded-word (bad base64, a charset iconv rejects): shown as written, never dropped.
      return whole;
    }
  });
}

/** Unfold a header value (RFC 5322 §2.2.3). */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/gu, '').replace(/\r?\n/gu, ' ');
}

/**
 * Parse RFC 822-style field blocks separated by blank lines (a DSN has one per-message block, then one
 * block per recipient). Names lower-case; values unfolded, trimmed; the first value of a repeated name wins.
 */
export function parseFieldBlocks(text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  let lastName: string | null = null;
  for (const raw of text.replace(/\r\n?/gu, '\n').split('\n')) {
    if (raw.trim() === '') {
      if (Object.keys(current).length > 0) blocks.push(current);
      current = {};
      lastName = null;
      continue;
    }
    if (/^[ \t]/u.test(raw) && lastName) {
      current[lastName] = `${current[lastName]} ${raw.trim()}`.trim();
      continue;
    }
    const m = /^([!-9;-~]+)\s*:\s*(.*)$/u.exec(raw);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    lastName = name;
    if (current[name] === undefined) current[name] = decodeWords(m[2]!.trim());
    else lastName = null;
  }
  if (Object.keys(current).length > 0) blocks.push(current);
  return blocks;
}

/** All `<...>` ids in a header value, in order; a bare id without brackets gets them added. */
export function parseMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/gu);
  if (ids) return ids;
  const bare = value.trim().split(/[\s,]+/u).filter(v => /^[^\s@]+@[^\s@]+$/u.test(v));
  return bare.map(v => `<${v}>`);
}

/**
 * The one Message-ID normaliser (dedupe keys, parsed mails, reports all use it): the first
 * `<…>` of the value with any folding whitespace inside removed; else the first bare `local@domain`;
 * else a lone token, bracketed (a broken id still identifies its mail). Null when there is none.
 */
export function normalizeMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const bracketed = /<([^<>]*)>/u.exec(value);
  if (bracketed) {
    const id = bracketed[1]!.replace(/\s+/gu, '');
    return id ? `<${id}>` : null;
  }
  const [bare] = parseMessageIds(value);
  if (bare) return bare;
  const token = value.trim();
  return token && !/\s/u.test(token) ? `<${token}>` : null;
}

/** Decode RFC 3461 xtext (`+HH` escapes), as an ENVID comes back in Original-Envelope-Id. */
export function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
