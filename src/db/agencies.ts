import type { Config } from '../config/schema.js';
import type { Db } from './connect.js';

export type AgencyKind = 'hosted' | 'edoc-bridge' | 'edxml' | 'mailbox';
export type AgencyRow = { code: string; name: string; kind: AgencyKind };
export type DirectoryInput = { code: string; name: string; emails: string[]; kind: AgencyKind };

/** Insert or update agencies and their official addresses (config directory, CSV import). */
export async function upsertAgencies(db: Db, entries: DirectoryInput[], now: Date): Promise<number> {
  await db.transaction(async trx => {
    for (const e of entries) {
      await trx('agencies')
        .insert({ code: e.code, name: e.name, kind: e.kind, updated_at: now.toISOString() })
        .onConflict('code')
        .merge(['name', 'kind', 'updated_at']);
      for (const address of e.emails) {
        await trx('agency_emails')
          .insert({ address: address.toLowerCase(), agency_code: e.code })
          .onConflict('address')
          .merge(['agency_code']);
      }
    }
  });
  return entries.length;
}

/** Hosted agencies and the configured directory, written to the DB at start (idempotent). */
export async function syncAgenciesFromConfig(db: Db, cfg: Config, now: Date): Promise<void> {
  const entries: DirectoryInput[] = [
    ...cfg.directory.map(d => ({ code: d.code, name: d.name, emails: d.emails, kind: d.kind })),
    ...cfg.agencies.map(a => ({ code: a.code, name: a.name, emails: [a.email], kind: 'hosted' as const })),
  ];
  await upsertAgencies(db, entries, now);
}

/** The agency whose official address this is, if known. */
export async function agencyByAddress(db: Db, address: string): Promise<AgencyRow | undefined> {
  return db('agencies')
    .join('agency_emails', 'agency_emails.agency_code', 'agencies.code')
    .where('agency_emails.address', address.toLowerCase())
    .first('agencies.code', 'agencies.name', 'agencies.kind');
}

/** One agency by code. */
export async function agencyByCode(db: Db, code: string): Promise<AgencyRow | undefined> {
  return db('agencies').where({ code }).first('code', 'name', 'kind');
}

/** All agencies with their addresses. */
export async function listAgencies(db: Db): Promise<Array<AgencyRow & { emails: string[] }>> {
  const rows: AgencyRow[] = await db('agencies').select('code', 'name', 'kind').orderBy('code');
  const emails: Array<{ address: string; agency_code: string }> = await db('agency_emails').select();
  return rows.map(r => ({ ...r, emails: emails.filter(e => e.agency_code === r.code).map(e => e.address) }));
}

/** An agency's first official address (alphabetical), where documents to it go. */
export async function firstAddressOf(db: Db, code: string): Promise<string | undefined> {
  const row: { address: string } | undefined = await db('agency_emails').where({ agency_code: code }).orderBy('address').first('address');
  return row?.address;
}

/** The hosted agencies as the directory knows them: code → name. */
export async function hostedAgencyNames(db: Db): Promise<Map<string, string>> {
  const rows: Array<{ code: string; name: string }> = await db('agencies').where({ kind: 'hosted' }).select('code', 'name');
  return new Map(rows.map(a => [a.code, a.name]));
}

/** The official addresses of hosted agencies: address → agency code. */
export async function hostedAddresses(db: Db): Promise<Map<string, string>> {
  const rows: Array<{ address: string; code: string }> = await db('agency_emails').join('agencies', 'agencies.code', 'agency_emails.agency_code').where('agencies.kind', 'hosted').select('agency_emails.address', 'agencies.code');
  return new Map(rows.map(r => [r.address, r.code]));
}

/** Every agency code in the directory. */
export async function agencyCodes(db: Db): Promise<Set<string>> {
  const rows: Array<{ code: string }> = await db('agencies').select('code');
  return new Set(rows.map(a => a.code));
}
