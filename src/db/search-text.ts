/**
 * Accent-insensitive search over Vietnamese text (docs/security.md §Search): every mark is dropped
 * (tones and the letter-forming circumflex, breve and horn), đ becomes d, case is folded, so
 * "quyet dinh", "Quyết định" and "QUYẾT ĐỊNH" share one key. The register keeps this key in a
 * column written with the entry (and by the migration that added it), so a search is a plain
 * LIKE that runs the same on SQLite and PostgreSQL.
 */

/** The tone-free, lower-case search key of some text parts (null parts skipped). */
export function searchText(parts: ReadonlyArray<string | null | undefined>): string {
  return parts
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a search query as keys (each must occur); LIKE wildcards are escaped by the caller. */
export function searchWords(query: string): string[] {
  return searchText([query]).split(' ').filter(Boolean).slice(0, 8);
}

/** The fields of an incoming entry that a clerk searches: number and notation, issuer, type, summary, sender. */
export function entrySearchText(e: { number_notation?: string | null; issuer_name?: string | null; issuer_code?: string | null; doc_type?: string | null; summary?: string | null; sender_address?: string | null }): string {
  return searchText([e.number_notation, e.issuer_name, e.issuer_code, e.doc_type, e.summary, e.sender_address]);
}
