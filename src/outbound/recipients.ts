import type { Db } from '../db/connect.js';
import { agencyByAddress, agencyByCode, firstAddressOf } from '../db/agencies.js';
import { BridgeError } from '../errors.js';

/** A recipient as the outgoing register keeps it: the agency (when in the directory) and the address. */
export type ResolvedRecipient = { agencyCode: string | null; name: string | null; address: string; kind: string };

const ADDRESS_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/u;

/**
 * Resolve `--to` items: an agency code from the directory (its first official address), or an
 * e-mail address (matched back to the directory when it is an agency's). Unknown codes are a
 * usage error: a document must never go to a guessed address.
 */
export async function resolveRecipients(db: Db, items: string[]): Promise<ResolvedRecipient[]> {
  const out: ResolvedRecipient[] = [];
  for (const raw of items.map(s => s.trim()).filter(Boolean)) {
    let r: ResolvedRecipient;
    if (raw.includes('@')) {
      if (!ADDRESS_RE.test(raw)) throw new BridgeError('USAGE', `not an e-mail address: ${raw}`);
      const agency = await agencyByAddress(db, raw);
      r = { agencyCode: agency?.code ?? null, name: agency?.name ?? null, address: raw.toLowerCase(), kind: agency?.kind ?? 'mailbox' };
    } else {
      const agency = await agencyByCode(db, raw.toUpperCase());
      if (!agency) throw new BridgeError('USAGE', `agency ${raw} is not in the directory (agencies list)`);
      const address = await firstAddressOf(db, agency.code);
      if (!address) throw new BridgeError('USAGE', `agency ${raw} has no official e-mail address in the directory`);
      r = { agencyCode: agency.code, name: agency.name, address, kind: agency.kind };
    }
    // One copy per agency (its Message-ID is derived from the agency code) and per address.
    if (!out.some(o => o.address === r.address || (r.agencyCode !== null && o.agencyCode === r.agencyCode))) out.push(r);
  }
  if (out.length === 0) throw new BridgeError('USAGE', 'a document needs at least one recipient (--to)');
  return out;
}
