import type { Db } from './connect.js';
import type { EntryRow } from './register.js';
import type { OutgoingDocumentRow } from './outgoing.js';
import { searchWords } from './search-text.js';

/** What a clerk filters the incoming register by (docs/security.md §Search). */
export type EntryFilter = {
  agencyCode: string;
  /** Free text: number and notation, issuer, type, summary, sender; accent-insensitive, every word must occur. */
  q?: string;
  /** Arrival between these instants (UTC ISO, from inclusive, to exclusive). */
  fromIso?: string;
  toIso?: string;
  status?: string;
  urgency?: string;
};

/** A position in the register, newest first: (year, arrival number). */
export type Cursor = { year: number; number: number };

/** One page of the register and whether there is more on either side. */
export type EntryPage = { rows: EntryRow[]; hasNewer: boolean; hasOlder: boolean };

/** LIKE pattern for a word, with LIKE's wildcards escaped (ESCAPE '\'). */
function likeWord(w: string): string {
  return `%${w.replace(/[\\%_]/g, m => '\\' + m)}%`;
}

function filtered(db: Db, f: EntryFilter) {
  const q = db('register_entries').where({ agency_code: f.agencyCode });
  for (const w of f.q ? searchWords(f.q) : []) q.whereRaw("search_text like ? escape '\\'", [likeWord(w)]);
  if (f.fromIso) q.where('arrival_at', '>=', f.fromIso);
  if (f.toIso) q.where('arrival_at', '<', f.toIso);
  if (f.status) q.where({ status: f.status });
  if (f.urgency) q.where({ urgency: f.urgency });
  return q;
}

/**
 * One page of an agency's incoming register, newest first, by keyset on (year, arrival number):
 * `after` gives the page of older entries after that position, `before` the page of newer ones.
 * Each page costs the same on a register of any size (the unique index on agency, year, number).
 */
export async function searchEntries(db: Db, f: EntryFilter, page: { after?: Cursor; before?: Cursor; limit: number }): Promise<EntryPage> {
  const q = filtered(db, f).select();
  if (page.before) {
    const b = page.before;
    q.andWhere(w => w.where('year', '>', b.year).orWhere(w2 => w2.where('year', b.year).andWhere('arrival_number', '>', b.number)));
    q.orderBy([{ column: 'year', order: 'asc' }, { column: 'arrival_number', order: 'asc' }]).limit(page.limit + 1);
    const rows: EntryRow[] = await q;
    const more = rows.length > page.limit;
    return { rows: rows.slice(0, page.limit).reverse(), hasNewer: more, hasOlder: true };
  }
  if (page.after) {
    const a = page.after;
    q.andWhere(w => w.where('year', '<', a.year).orWhere(w2 => w2.where('year', a.year).andWhere('arrival_number', '<', a.number)));
  }
  q.orderBy([{ column: 'year', order: 'desc' }, { column: 'arrival_number', order: 'desc' }]).limit(page.limit + 1);
  const rows: EntryRow[] = await q;
  return { rows: rows.slice(0, page.limit), hasNewer: !!page.after, hasOlder: rows.length > page.limit };
}

/** How many entries match a filter. */
export async function countEntries(db: Db, f: EntryFilter): Promise<number> {
  const [row] = await filtered(db, f).count('* as n');
  return Number((row as { n: number | string }).n);
}

/** Entries of a register to print: one year, or a range of arrival instants; by arrival number. */
export async function entriesToPrint(db: Db, agencyCode: string, range: { year: number } | { fromIso: string; toIso: string }): Promise<EntryRow[]> {
  const q = db('register_entries').where({ agency_code: agencyCode }).orderBy([{ column: 'year' }, { column: 'arrival_number' }]);
  if ('year' in range) q.where({ year: range.year });
  else q.where('arrival_at', '>=', range.fromIso).where('arrival_at', '<', range.toIso);
  return q;
}

/** Outgoing documents to print (one year, or a range of document dates), with their recipients in brief. */
export async function outgoingToPrint(
  db: Db,
  agencyCode: string,
  range: { year: number } | { fromDate: string; toDate: string },
): Promise<{ docs: OutgoingDocumentRow[]; recipients: Array<{ document_id: number; address: string; name: string | null; status: string; sent_at: string | null }> }> {
  const scope = <T extends ReturnType<Db>>(q: T, p: string): T => {
    q.where(`${p}agency_code`, agencyCode);
    if ('year' in range) q.where(`${p}year`, range.year);
    else q.where(`${p}doc_date`, '>=', range.fromDate).where(`${p}doc_date`, '<=', range.toDate);
    return q;
  };
  const docs: OutgoingDocumentRow[] = await scope(db('outgoing_documents'), '').orderBy([{ column: 'year' }, { column: 'number' }]);
  // A join, not a list of ids: a year may hold more documents than a statement takes parameters.
  const recipients = await scope(db('outgoing_recipients as r').join('outgoing_documents as d', 'd.id', 'r.document_id'), 'd.')
    .orderBy('r.id')
    .select('r.document_id', 'r.address', 'r.name', 'r.status', 'r.sent_at');
  return { docs, recipients };
}
