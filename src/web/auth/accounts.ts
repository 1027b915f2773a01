/**
 * Account administration, shared by the CLI (`users add|list|disable|passwd`) and the operator's
 * users page (docs/security.md §Accounts and roles).
 */
import type { Config } from '../../config/schema.js';
import { accountById, accountByUsername, countActiveOperators, disableAccount, insertAccount, setPasswordHash, ROLES, type Account, type Role } from '../../db/accounts.js';
import type { Db } from '../../db/connect.js';
import { deleteSessionsOf } from '../../db/sessions.js';
import { BridgeError } from '../../errors.js';
import { hashPassword, passwordProblem } from './passwords.js';

/** Login names: lower-case letters, digits, dot, dash, underscore; 3 to 64 characters. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Normalise a login name as typed (case-insensitive logins). */
export function normaliseUsername(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

export type NewUser = { username: string; displayName?: string; role: string; agencies: string[]; password: string };

/** Create an account after checking its name, role, agencies (hosted ones) and password. */
export async function addUser(db: Db, config: Config, u: NewUser, now: Date): Promise<Account> {
  const username = normaliseUsername(u.username);
  if (!USERNAME.test(username)) throw new BridgeError('USAGE', `login name '${u.username}' must be 3–64 of a-z, 0-9, '.', '-', '_'`);
  if (!(ROLES as readonly string[]).includes(u.role)) throw new BridgeError('USAGE', `role must be one of ${ROLES.join(', ')}`);
  const role = u.role as Role;
  const agencies = [...new Set(u.agencies.map(a => a.trim()).filter(Boolean))];
  if (role === 'operator' && agencies.length) throw new BridgeError('USAGE', 'an operator works for every agency; give no --agency');
  if (role !== 'operator' && agencies.length === 0) throw new BridgeError('USAGE', `a ${role} needs at least one --agency (a hosted agency code)`);
  for (const a of agencies) if (!config.agencies.some(h => h.code === a)) throw new BridgeError('USAGE', `${a} is not a hosted agency (config: agencies[].code)`);
  const problem = passwordProblem(u.password);
  if (problem) throw new BridgeError('USAGE', problem);
  if (await accountByUsername(db, username)) throw new BridgeError('DB_DUPLICATE', `login name ${username} is taken`);
  const id = await insertAccount(db, { username, displayName: (u.displayName ?? username).normalize('NFC').trim() || username, role, passwordHash: await hashPassword(u.password), agencies }, now);
  return (await accountById(db, id))!;
}

/** Set a new password; every open session of the account ends. */
export async function changePassword(db: Db, username: string, password: string, now: Date): Promise<Account> {
  const account = await accountByUsername(db, normaliseUsername(username));
  if (!account) throw new BridgeError('NOT_FOUND', `no account ${username}`);
  const problem = passwordProblem(password);
  if (problem) throw new BridgeError('USAGE', problem);
  await setPasswordHash(db, account.id, await hashPassword(password), now);
  await deleteSessionsOf(db, account.id);
  return account;
}

/** Disable an account (it can no longer log in; its sessions end). The last operator cannot be disabled. */
export async function disableUser(db: Db, username: string, now: Date): Promise<Account> {
  const account = await accountByUsername(db, normaliseUsername(username));
  if (!account) throw new BridgeError('NOT_FOUND', `no account ${username}`);
  if (account.disabled_at) throw new BridgeError('STATUS_CONFLICT', `account ${account.username} is already disabled`);
  if (account.role === 'operator' && (await countActiveOperators(db)) <= 1) throw new BridgeError('STATUS_CONFLICT', 'the last operator cannot be disabled');
  if (!(await disableAccount(db, account.id, now))) throw new BridgeError('STATUS_CONFLICT', `account ${account.username} changed concurrently`);
  await deleteSessionsOf(db, account.id);
  return account;
}
