import { appendEvent } from '../db/events.js';
import type { EntryRow } from '../db/register.js';
import { entrySearchText } from '../db/search-text.js';
import { completeEntryFields, entryOf } from '../db/web-queries.js';
import { parseNumberNotation } from '../domain/document/number-notation.js';
import { BridgeError } from '../errors.js';
import type { Deps } from '../ports.js';

/** What a clerk types for fields the gateway could not read (names as in an entry's `missing` list). */
export type EntryFields = { issuer?: string; numberNotation?: string; date?: string; type?: string; summary?: string; signerPosition?: string; signerName?: string };

/**
 * Complete the fields of an incoming entry that intake marked missing (NĐ 30 App. VI §III.1:
 * the clerk enters what the document shows). Only missing fields may be written: what the
 * gateway read from a signed document stays as read. The date is `YYYY-MM-DD` or `dd/mm/yyyy`;
 * the number and notation must parse. Each change is kept with its actor (entry_field_changes).
 */
export async function completeEntry(deps: Pick<Deps, 'db' | 'ports'>, agencyCode: string, entryId: number, fields: EntryFields, actor: string): Promise<{ entry: EntryRow; completed: string[] }> {
  const entry = await entryOf(deps.db, agencyCode, entryId);
  if (!entry) throw new BridgeError('NOT_FOUND', `no register entry ${entryId}`);
  const missing = JSON.parse(entry.missing ?? '[]') as string[];
  const patch: Partial<Record<'issuer_name' | 'number_notation' | 'number' | 'notation' | 'doc_date' | 'doc_type' | 'summary' | 'signer_position' | 'signer_name', string>> = {};
  const done: string[] = [];
  const text = (v: string | undefined) => v?.normalize('NFC').replace(/\s+/g, ' ').trim() ?? '';
  for (const [field, raw] of Object.entries(fields) as Array<[keyof EntryFields, string | undefined]>) {
    const value = text(raw);
    if (!value) continue;
    const key = field === 'signerPosition' || field === 'signerName' ? 'signer' : field;
    if (!missing.includes(key)) throw new BridgeError('USAGE', `${key} was read from the document and cannot be changed here`);
    if (field === 'issuer') patch.issuer_name = value.slice(0, 200);
    else if (field === 'numberNotation') {
      const nn = parseNumberNotation(value);
      if (!nn) throw new BridgeError('USAGE', `'${value}' is not a number and notation such as 12/QĐ-UBND`);
      Object.assign(patch, { number_notation: nn.numberNotation, number: nn.number, notation: nn.notation });
    } else if (field === 'date') patch.doc_date = isoDate(value);
    else if (field === 'type') patch.doc_type = value.slice(0, 100);
    else if (field === 'summary') patch.summary = value.slice(0, 2000);
    else if (field === 'signerPosition') patch.signer_position = value.slice(0, 100);
    else if (field === 'signerName') patch.signer_name = value.slice(0, 50);
    if (!done.includes(key)) done.push(key);
  }
  if (done.length === 0) throw new BridgeError('USAGE', 'nothing to complete: fill in at least one missing field');
  const after = { ...entry, ...patch };
  const stillMissing = missing.filter(m => !(m === 'signer' ? after.signer_position && after.signer_name : done.includes(m)));
  const now = deps.ports.clock.now();
  if (!(await completeEntryFields(deps.db, entry, patch, stillMissing, entrySearchText(after), actor, now))) {
    throw new BridgeError('STATUS_CONFLICT', `entry ${entryId} was changed by someone else; reload it`);
  }
  await appendEvent(deps.db, now, { event: 'ENTRY_FIELDS_COMPLETED', agencyCode, refType: 'entry', refId: entryId, data: { fields: done, actor } });
  deps.ports.log.info('ENTRY_FIELDS_COMPLETED', { agency: agencyCode, entry: entryId, fields: done, actor });
  return { entry: { ...after, missing: JSON.stringify(stillMissing) }, completed: done };
}

/** `YYYY-MM-DD` from `YYYY-MM-DD` or `dd/mm/yyyy`, checked to be a real day. */
function isoDate(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (!m) throw new BridgeError('USAGE', `'${v}' is not a date (dd/mm/yyyy)`);
  const [y, mo, d] = m[1]!.length === 4 ? [m[1]!, m[2]!, m[3]!] : [m[3]!, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0')];
  const iso = `${y}-${mo}-${d}`;
  if (Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso) throw new BridgeError('USAGE', `'${v}' is not a real day`);
  return iso;
}
