import type { Db } from './connect.js';

/** What an account may do (docs/security.md §Accounts and roles). */
export type Role = 'operator' | 'clerk' | 'viewer';
export const ROLES: readonly Role[] = ['operator', 'clerk', 'viewer'];

export type AccountRow = {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  password_changed_at: string;
  disabled_at: string | null;
};

/** An account with the agencies it works for (every hosted agency for an operator: `agencies` is then empty). */
export type Account = AccountRow & { agencies: string[] };

/** The id knex returns for an insert, on SQLite and PostgreSQL alike. */
function idOf(row: unknown): number {
  return typeof row === 'object' && row !== null ? Number((row as { id: number }).id) : Number(row);
}

/** Create an account and its agency list in one transaction; returns its id (DB_DUPLICATE-like unique error on a taken name). */
export async function insertAccount(db: Db, a: { username: string; displayName: string; role: Role; passwordHash: string; agencies: string[] }, now: Date): Promise<number> {
  return db.transaction(async trx => {
    const [row] = await trx('accounts')
      .insert({ username: a.username, display_name: a.displayName, role: a.role, password_hash: a.passwordHash, created_at: now.toISOString(), password_changed_at: now.toISOString() })
      .returning('id');
    const id = idOf(row);
    if (a.agencies.length) await trx('account_agencies').insert(a.agencies.map(agency_code => ({ account_id: id, agency_code })));
    return id;
  });
}

async function withAgencies(db: Db, rows: AccountRow[]): Promise<Account[]> {
  if (rows.length === 0) return [];
  const links: Array<{ account_id: number; agency_code: string }> = await db('account_agencies').whereIn('account_id', rows.map(r => r.id)).orderBy('agency_code');
  return rows.map(r => ({ ...r, agencies: links.filter(l => l.account_id === r.id).map(l => l.agency_code) }));
}

/** One account by login name (lower-cased by the caller). */
export async function accountByUsername(db: Db, username: string): Promise<Account | undefined> {
  const row: AccountRow | undefined = await db('accounts').where({ username }).first();
  return row ? (await withAgencies(db, [row]))[0] : undefined;
}

/** One account by id. */
export async function accountById(db: Db, id: number): Promise<Account | undefined> {
  const row: AccountRow | undefined = await db('accounts').where({ id }).first();
  return row ? (await withAgencies(db, [row]))[0] : undefined;
}

/** Every account, by login name. */
export async function listAccounts(db: Db): Promise<Account[]> {
  return withAgencies(db, await db('accounts').select().orderBy('username'));
}

/** Disable an account (compare-and-set on "not yet disabled"); false when it already was. */
export async function disableAccount(db: Db, id: number, now: Date): Promise<boolean> {
  return (await db('accounts').where({ id }).whereNull('disabled_at').update({ disabled_at: now.toISOString() })) === 1;
}

/** Replace an account's password hash. */
export async function setPasswordHash(db: Db, id: number, hash: string, now: Date): Promise<void> {
  await db('accounts').where({ id }).update({ password_hash: hash, password_changed_at: now.toISOString() });
}

/** How many operators can still log in (the last one must not lock everybody out). */
export async function countActiveOperators(db: Db): Promise<number> {
  const [row] = await db('accounts').where({ role: 'operator' }).whereNull('disabled_at').count('* as n');
  return Number((row as { n: number | string }).n);
}
