/**
 * The agency directory from a CSV file (docs/edxml.md §Agency directory): columns
 * `code,name,emails,kind`, a header row, UTF-8 with or without BOM (spreadsheet programs write
 * one), text NFC. Every row is checked before anything is written: a bad row refuses the whole
 * file (all-or-nothing), naming its line and field, so an operator fixes the sheet and imports again.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { agencyCode } from '../config/schema.js';
import { agencyCodes, hostedAddresses, hostedAgencyNames, upsertAgencies, type AgencyKind, type DirectoryInput } from '../db/agencies.js';
import type { Db } from '../db/connect.js';
import { BridgeError } from '../errors.js';

/** The columns, in the order `agencies list --csv` writes them. `kind` may be left out. */
export const DIRECTORY_CSV_COLUMNS = ['code', 'name', 'emails', 'kind'] as const;
type Column = (typeof DIRECTORY_CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['code', 'name', 'emails'];

/** Kinds a CSV row may name; `hosted` only for an agency this installation already serves. */
const KINDS = ['edoc-bridge', 'edxml', 'mailbox', 'hosted'] as const;

/** Same e-mail syntax check as the config file's `directory[].emails`. */
const emailSyntax = z.string().email();

/** One valid row, with the line it started on (for the checks that need the database). */
export type DirectoryCsvRow = DirectoryInput & { line: number };

/** Why a file was refused: the first bad line and field (line 1 is the header). */
export type DirectoryCsvProblem = { line: number; field: Column | 'header' | 'row'; message: string };

export type DirectoryCsvResult = { ok: true; rows: DirectoryCsvRow[] } | { ok: false; problem: DirectoryCsvProblem };

/** `line 3: emails: …`, the one line the CLI prints. */
export function describeProblem(p: DirectoryCsvProblem, source?: string): string {
  return `${source ? source + ' ' : ''}line ${p.line}: ${p.field}: ${p.message}`;
}

type ParsedRecord = { record: string[]; raw: string; info: { lines: number } };

/** First line of a record: csv-parse reports the last one; `raw` also carries skipped blank lines before it. */
function startLine(r: ParsedRecord): number {
  const body = r.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  return r.info.lines - (body.match(/\n/g)?.length ?? 0);
}

/** Parse and check a directory CSV (pure: bytes in, rows or the first problem out). */
export function parseDirectoryCsv(input: Buffer | string): DirectoryCsvResult {
  const text = (typeof input === 'string' ? input : input.toString('utf8')).normalize('NFC');
  if (text.includes('\ufffd')) return fail(1, 'row', 'the file is not UTF-8 text (save it as "CSV UTF-8")');
  let records: ParsedRecord[];
  try {
    records = parse(text, { bom: true, info: true, raw: true, trim: true, skip_empty_lines: true, skip_records_with_empty_values: true, relax_column_count: true }) as ParsedRecord[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    return fail(e.lines ?? 1, 'row', `not valid CSV (${e.message ?? String(err)})`);
  }
  if (records.length === 0) return fail(1, 'header', `the file is empty; expected a header row ${DIRECTORY_CSV_COLUMNS.join(',')}`);

  const header = records[0]!;
  const names = header.record.map(h => h.toLowerCase());
  for (const name of names) {
    if (!(DIRECTORY_CSV_COLUMNS as readonly string[]).includes(name)) return fail(startLine(header), 'header', `unknown column '${name}'; expected ${DIRECTORY_CSV_COLUMNS.join(',')}`);
    if (names.indexOf(name) !== names.lastIndexOf(name)) return fail(startLine(header), 'header', `column '${name}' appears twice`);
  }
  for (const name of REQUIRED) if (!names.includes(name)) return fail(startLine(header), 'header', `missing column '${name}' (a header row ${DIRECTORY_CSV_COLUMNS.join(',')} is required)`);
  const at = (rec: string[], col: Column) => (names.includes(col) ? (rec[names.indexOf(col)] ?? '') : '');

  const rows: DirectoryCsvRow[] = [];
  const codeLines = new Map<string, number>();
  const addressOwner = new Map<string, { code: string; line: number }>();
  for (const r of records.slice(1)) {
    const line = startLine(r);
    if (r.record.length !== names.length) return fail(line, 'row', `expected ${names.length} fields, found ${r.record.length}`);

    const code = at(r.record, 'code');
    if (!code) return fail(line, 'code', 'empty');
    if (!agencyCode.safeParse(code).success) return fail(line, 'code', `'${code}' is not an agency code (QCVN 102:2016 such as 000.00.31.H62, or QĐ 20/2020: up to 35 characters of 0-9, A-Z and dots, such as H55.242)`);
    const earlier = codeLines.get(code);
    if (earlier !== undefined) return fail(line, 'code', `${code} is already on line ${earlier}`);
    codeLines.set(code, line);

    const name = at(r.record, 'name');
    if (!name) return fail(line, 'name', 'empty');

    // Separated by ';' or white space (docs/edxml.md §Agency directory); a trailing ';' is harmless.
    const emails = at(r.record, 'emails').split(/[;\s]+/).filter(Boolean).map(e => e.toLowerCase());
    if (emails.length === 0) return fail(line, 'emails', 'no e-mail address');
    for (const address of emails) {
      if (!emailSyntax.safeParse(address).success) return fail(line, 'emails', `'${address}' is not an e-mail address`);
      const owner = addressOwner.get(address);
      if (owner && owner.code !== code) return fail(line, 'emails', `${address} is already given to ${owner.code} on line ${owner.line}`);
      addressOwner.set(address, { code, line });
    }

    const kindText = at(r.record, 'kind').toLowerCase() || 'mailbox';
    if (!(KINDS as readonly string[]).includes(kindText)) return fail(line, 'kind', `'${kindText}' must be edoc-bridge, edxml or mailbox`);
    rows.push({ line, code, name, emails: [...new Set(emails)], kind: kindText as AgencyKind });
  }
  return { ok: true, rows };
}

function fail(line: number, field: DirectoryCsvProblem['field'], message: string): DirectoryCsvResult {
  return { ok: false, problem: { line, field, message } };
}

/**
 * Checks that need the database: a hosted agency keeps its kind and its configured name (the
 * config is the authority for the agencies we serve), and a hosted mailbox address cannot be given
 * to another agency. Returns the entries to write, or the first problem.
 */
async function checkAgainstDatabase(db: Db, rows: DirectoryCsvRow[]): Promise<{ ok: true; entries: DirectoryInput[] } | { ok: false; problem: DirectoryCsvProblem }> {
  const hosted = await hostedAgencyNames(db);
  const hostedMailboxes = await hostedAddresses(db);
  const entries: DirectoryInput[] = [];
  for (const r of rows) {
    const hostedName = hosted.get(r.code);
    if (r.kind === 'hosted' && hostedName === undefined) return { ok: false, problem: { line: r.line, field: 'kind', message: `hosted: ${r.code} is not an agency this installation serves (use edoc-bridge, edxml or mailbox)` } };
    for (const address of r.emails) {
      const owner = hostedMailboxes.get(address);
      if (owner !== undefined && owner !== r.code) return { ok: false, problem: { line: r.line, field: 'emails', message: `${address} is the mailbox of hosted agency ${owner}` } };
    }
    entries.push(hostedName === undefined ? { code: r.code, name: r.name, emails: r.emails, kind: r.kind } : { code: r.code, name: hostedName, emails: r.emails, kind: 'hosted' });
  }
  return { ok: true, entries };
}

export type DirectoryImport = { ok: true; agencies: number; created: number; updated: number; addresses: number } | { ok: false; problem: DirectoryCsvProblem };

/** Read, check and write a directory CSV in one transaction; nothing is written when a row is bad. */
export async function importDirectoryCsv(db: Db, file: string, now: Date): Promise<DirectoryImport> {
  const parsed = parseDirectoryCsv(await readFile(file));
  if (!parsed.ok) return parsed;
  const checked = await checkAgainstDatabase(db, parsed.rows);
  if (!checked.ok) return checked;
  const existing = await agencyCodes(db);
  await upsertAgencies(db, checked.entries, now);
  const created = checked.entries.filter(e => !existing.has(e.code)).length;
  return { ok: true, agencies: checked.entries.length, created, updated: checked.entries.length - created, addresses: checked.entries.reduce((n, e) => n + e.emails.length, 0) };
}

/**
 * `directoryCsv` of the config, loaded at every start after the config's own directory. A bad
 * file is a configuration error (exit 2 naming the key), like any other bad setting.
 */
export async function syncDirectoryCsv(db: Db, file: string, now: Date): Promise<void> {
  let result: DirectoryImport;
  try {
    result = await importDirectoryCsv(db, file, now);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      throw new BridgeError('CONFIG_INVALID', `directoryCsv: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`, { cause: err });
    }
    throw err;
  }
  if (!result.ok) throw new BridgeError('CONFIG_INVALID', `directoryCsv: ${describeProblem(result.problem, file)}`);
}
