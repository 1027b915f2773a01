import type { HostedAgency } from '../config/schema.js';
import { getMailboxState, saveMailboxState } from '../db/mailbox-state.js';
import { findFinishedByKeys, recordReceived, type ReceivedRow } from '../db/received.js';
import { BridgeError } from '../errors.js';
import type { ListedMessage, Mailbox } from '../io/imap.js';
import type { Deps } from '../ports.js';
import { normalizeMessageId } from '../mail/headers.js';
import { contentKey, contentKeyOfStream, rawMessageId } from './message-key.js';

/** A fetched mail; `raw` holds its bytes when small enough to keep (saves reading them back). */
export type Fetched = { row: ReceivedRow; isNew: boolean; listed: ListedMessage; raw?: Buffer; notDownloaded?: true };

/**
 * Phase 1 of a fetch: list the folder's messages (UID, size, Message-ID) in one FETCH. The inbox
 * only holds mails not yet finished (finished ones are moved out), so listing all is the
 * work list. A changed UIDVALIDITY voids stored UIDs; dedupe by Message-ID keeps it harmless.
 */
export async function listInbox(deps: Deps, agency: HostedAgency, mailbox: Mailbox): Promise<{ listed: ListedMessage[]; uidvalidity: number }> {
  const folder = agency.folders.inbox;
  const { uidvalidity } = await mailbox.open(folder);
  const state = await getMailboxState(deps.db, agency.code, folder);
  if (state.uidvalidity !== null && state.uidvalidity !== uidvalidity) {
    deps.ports.log.warn('INTAKE_UIDVALIDITY_CHANGED', { agency: agency.code, folder, old: state.uidvalidity, new: uidvalidity });
  }
  const listed = await mailbox.list();
  const lastUid = listed.reduce((m, l) => Math.max(m, l.uid), state.uidvalidity === uidvalidity ? state.lastUid : 0);
  await saveMailboxState(deps.db, agency.code, folder, { uidvalidity, lastUid });
  return { listed, uidvalidity };
}

/**
 * The finished mails among those listed (by Message-ID), in one query before any download: a
 * mail committed but still in the inbox (a crash or a failed move) is only moved, never fetched
 * again — unless its raw copy is missing (a power cut before the store was synced). The pipeline
 * trusts a match only for the very IMAP copy committed (same UID): another mail may reuse the ID.
 */
export async function knownFinished(deps: Deps, agency: HostedAgency, listed: ListedMessage[]): Promise<Map<string, ReceivedRow>> {
  const ids = [...new Set(listed.map(l => normalizeMessageId(l.messageId)).filter((id): id is string => id !== null))];
  const out = new Map<string, ReceivedRow>();
  // SQLite allows 999 bound variables in older builds: ask in chunks.
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await findFinishedByKeys(deps.db, agency.code, ids.slice(i, i + 500))) {
      if (await deps.ports.blobs.has(row.raw_sha256)) out.set(row.message_key, row);
    }
  }
  return out;
}

/**
 * A downloaded mail: its raw bytes stored (not yet fsynced) and its dedupe key. `notDownloaded`: the
 * server's size was over `limits.maxMailBytes`, so only a note of what the server reported was
 * stored (docs/mail.md §Mails over the size limit).
 */
export type Downloaded = { blob: { sha256: string; size: number }; raw?: Buffer; key: string; messageId: string | null; contentKey: string; notDownloaded?: true };

/**
 * Phase 2, the IMAP part: stream the raw bytes into the blob store and compute the dedupe key.
 * No database here, so downloads follow each other on the connection while commits go on.
 */
export async function downloadOne(deps: Deps, mailbox: Mailbox, listed: ListedMessage): Promise<Downloaded> {
  // Checked on the size the server reported in phase 1: an over-size mail is never fetched.
  if (listed.size > deps.config.limits.maxMailBytes) return keepListedOnly(deps, listed);
  const stream = await mailbox.download(listed.uid);
  // Not fsynced one by one: the cycle syncs the store once before any mail leaves the inbox.
  const blob = await deps.ports.blobs.putStream(stream, { keepBelow: KEEP_IN_MEMORY, durable: false });
  if (blob.size === 0) throw new BridgeError('MAIL_UNPARSEABLE', `UID ${listed.uid} is empty`);
  // A huge mail is not loaded twice: its header block gives the Message-ID.
  // The content key tells a second copy of a mail from another mail under the same Message-ID, and
  // keys a mail without one (docs/mail.md §Dedupe keys); a huge mail's is read from the store as a stream.
  const content = blob.bytes ? contentKey(blob.bytes) : await contentKeyOfStream(deps.ports.blobs.stream(blob.sha256) as AsyncIterable<Buffer>);
  const messageId = rawMessageId(blob.bytes ?? (await readPrefix(deps, blob.sha256, 256 * 1024)));
  return { blob: { sha256: blob.sha256, size: blob.size }, raw: blob.bytes, key: messageId ?? content, messageId, contentKey: content };
}

/**
 * An over-size mail (docs/mail.md §Mails over the size limit): its body is not downloaded. What is
 * kept in its place is a short header block with what the server said of it (size, Message-ID,
 * or the UID when there is none); the `received` row carries the server's size, so the mail is quarantined as
 * MAIL_TOO_LARGE and moved, whole and untouched, to the Quarantine folder on the server. The note
 * depends only on those facts, so listing the same mail again finds the same row.
 */
async function keepListedOnly(deps: Deps, listed: ListedMessage): Promise<Downloaded> {
  const id = normalizeMessageId(listed.messageId);
  const note = Buffer.from(
    [
      `X-Edoc-Not-Downloaded: the server reported ${listed.size} bytes, over limits.maxMailBytes (${deps.config.limits.maxMailBytes})`,
      // Under a Message-ID, a second copy (same ID, same size) is a duplicate; without one, each copy is its own.
      ...(id ? [`Message-ID: ${id}`] : [`X-Edoc-Imap-Uid: ${listed.uid}`]),
      '',
      '',
    ].join('\r\n'),
  );
  const blob = await deps.ports.blobs.put(note, { durable: false });
  const content = contentKey(note);
  return { blob: { sha256: blob.sha256, size: listed.size }, key: id ?? content, messageId: id, contentKey: content, notDownloaded: true };
}

/**
 * Phase 2, the database part: commit the `received` row (before anything else is done with
 * the mail). For a known finished mail only its locator (UID) is updated.
 */
export async function recordOne(deps: Deps, agency: HostedAgency, listed: ListedMessage, uidvalidity: number, got: Downloaded | ReceivedRow): Promise<Fetched> {
  const d: Downloaded =
    'message_key' in got ? { blob: { sha256: got.raw_sha256, size: got.raw_size }, key: got.message_key, messageId: got.message_id, contentKey: got.content_key ?? '' } : got;
  const { row, isNew } = await recordReceived(
    deps.db,
    { agencyCode: agency.code, messageKey: d.key, messageId: d.messageId, rawSha256: d.blob.sha256, rawSize: d.blob.size, uidvalidity, uid: listed.uid, contentKey: d.contentKey || undefined },
    deps.ports.clock.now(),
  );
  return { row, isNew, listed, raw: d.raw, ...(d.notDownloaded ? { notDownloaded: true as const } : {}) };
}

/** Mails up to this size stay in memory between download and parse. */
const KEEP_IN_MEMORY = 8 * 1024 * 1024;

/** The first `limit` bytes of a stored blob. */
async function readPrefix(deps: Deps, sha256: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of deps.ports.blobs.stream(sha256)) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= limit) break;
  }
  return Buffer.concat(chunks);
}
