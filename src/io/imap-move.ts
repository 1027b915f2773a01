import type { ImapFlow } from 'imapflow';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError } from '../errors.js';

/** Runs one IMAP command under the connection's deadline (imap.ts). */
export type Timed = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/** How a move went (docs/mail.md §IMAP servers): the server's real path, and how the mails left the inbox. */
export type MoveResult = {
  /** The folder's path on the server (namespace prefix and separator applied). */
  path: string;
  /**
   * `move`: UID MOVE (RFC 6851); `uid-expunge`: COPY, then UID EXPUNGE of ours only (UIDPLUS, RFC 4315);
   * `expunge`: COPY, then EXPUNGE, after checking that no other mail was \Deleted; `held`: copied,
   * left in the inbox flagged \Deleted because other mail there was \Deleted too.
   */
  method: 'move' | 'uid-expunge' | 'expunge' | 'held';
  /** Mails copied but left in the inbox flagged \Deleted (method `held`). */
  held: number;
};

/**
 * Move our mails out of the selected folder without ever expunging someone else's \Deleted mail
 * (docs/mail.md §IMAP servers). imapflow's own fallback for servers without MOVE runs a plain
 * EXPUNGE when UIDPLUS is missing too, which removes every \Deleted mail of the folder: the clerk's
 * as well, copied nowhere. So: MOVE when offered; else COPY, then UID EXPUNGE when offered; else
 * EXPUNGE only when nothing but ours is \Deleted, checked right before; else ours stay flagged
 * \Deleted (most clients hide them, `list()` skips them) and the caller reports it.
 */
export async function moveMessages(client: ImapFlow, timed: Timed, caps: { move: boolean; uidplus: boolean }, uids: number[], path: string, agency: HostedAgency): Promise<MoveResult> {
  const set = uids.join(',');
  const failed = (what: string) => new BridgeError('IMAP_UNAVAILABLE', `IMAP ${agency.imap.host}:${agency.imap.port} for ${agency.code}: ${what} to "${path}" failed`);
  if (caps.move) {
    const ok = await timed(`UID MOVE ${path}`, () => client.messageMove(set, path, { uid: true }));
    if (ok === false) throw failed('UID MOVE');
    return { path, method: 'move', held: 0 };
  }
  const copied = await timed(`UID COPY ${path}`, () => client.messageCopy(set, path, { uid: true }));
  if (copied === false) throw failed('UID COPY');
  if (caps.uidplus) {
    // UID EXPUNGE of our UIDs only (imapflow uses it when UIDPLUS is offered).
    const ok = await timed('UID EXPUNGE', () => client.messageDelete(set, { uid: true }));
    if (ok === false) throw failed('UID EXPUNGE');
    return { path, method: 'uid-expunge', held: 0 };
  }
  const ours = new Set(uids);
  const othersDeleted = async () => {
    const found = await timed('UID SEARCH DELETED', () => client.search({ deleted: true }, { uid: true }));
    if (!found) throw failed('UID SEARCH DELETED');
    return found.filter(u => !ours.has(u));
  };
  const flagged = await timed('UID STORE +FLAGS (\\Deleted)', () => client.messageFlagsAdd(set, ['\\Deleted'], { uid: true }));
  if (flagged === false) throw failed('UID STORE \\Deleted');
  if ((await othersDeleted()).length > 0) return { path, method: 'held', held: uids.length };
  // Nothing but ours is \Deleted: a plain EXPUNGE removes exactly ours. (A clerk flagging a mail in
  // the instant between this SEARCH and the EXPUNGE is the one window left; RFC 4315 closes it.)
  const ok = await timed('EXPUNGE', () => client.messageDelete(set, { uid: true }));
  if (ok === false) throw failed('EXPUNGE');
  return { path, method: 'expunge', held: 0 };
}
