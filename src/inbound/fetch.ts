import type { HostedAgency } from '../config/schema.js';
import { getMailboxState, saveMailboxState } from '../db/mailbox-state.js';
import { findReceivedByKey, recordReceived, type ReceivedRow } from '../db/received.js';
import { BridgeError } from '../errors.js';
import type { ListedMessage, Mailbox } from '../io/imap.js';
import type { IntakeDeps } from './deps.js';
import { messageKey, normaliseMessageId, rawMessageId } from './message-key.js';

/** A fetched mail; `raw` holds its bytes when small enough to keep (saves reading them back). */
export type Fetched = { row: ReceivedRow; isNew: boolean; listed: ListedMessage; raw?: Buffer };

/**
 * Phase 1 of a fetch: list the folder's messages (UID, size, Message-ID) in one FETCH. The inbox
 * only holds mails not yet finished (finished ones are moved out), so listing all is the
 * work list. A changed UIDVALIDITY voids stored UIDs; dedupe by Message-ID keeps it harmless.
 */
export async function listInbox(deps: IntakeDeps, agency: HostedAgency, mailbox: Mailbox): Promise<{ listed: ListedMessage[]; uidvalidity: number }> {
  const folder = agency.folders.inbox;
  const { uidvalidity } = await mailbox.open(folder);
  const state = await getMailboxState(deps.db, agency.code, folder);
  if (state.uidvalidity !== null && state.uidvalidity !== uidvalidity) {
    deps.log.warn('INTAKE_UIDVALIDITY_CHANGED', { agency: agency.code, folder, old: state.uidvalidity, new: uidvalidity });
  }
  const listed = await mailbox.list();
  const lastUid = listed.reduce((m, l) => Math.max(m, l.uid), state.uidvalidity === uidvalidity ? state.lastUid : 0);
  await saveMailboxState(deps.db, agency.code, folder, { uidvalidity, lastUid });
  return { listed, uidvalidity };
}

/**
 * Phase 2 for one message: if its Message-ID is already known and finished, nothing is
 * downloaded (a crash after the commit but before the move). Otherwise the raw bytes are
 * streamed into the blob store and the `received` row is committed — before anything else.
 */
export async function fetchOne(deps: IntakeDeps, agency: HostedAgency, mailbox: Mailbox, listed: ListedMessage, uidvalidity: number): Promise<Fetched> {
  const knownId = normaliseMessageId(listed.messageId);
  if (knownId) {
    const known = await findReceivedByKey(deps.db, agency.code, knownId);
    // A finished mail whose raw copy is missing (a power cut before the store was synced) is
    // downloaded again below; otherwise it is only moved.
    if (known && (known.state === 'done' || known.state === 'quarantined') && (await deps.blobs.has(known.raw_sha256))) {
      const { row } = await recordReceived(
        deps.db,
        { agencyCode: agency.code, messageKey: knownId, messageId: knownId, rawSha256: known.raw_sha256, rawSize: known.raw_size, uidvalidity, uid: listed.uid },
        deps.clock.now(),
      );
      return { row, isNew: false, listed };
    }
  }
  const stream = await mailbox.download(listed.uid);
  // Not fsynced one by one: the cycle syncs the store once before any mail leaves the inbox.
  const blob = await deps.blobs.putStream(stream, { keepBelow: KEEP_IN_MEMORY, durable: false });
  if (blob.size === 0) throw new BridgeError('MAIL_UNPARSEABLE', `UID ${listed.uid} is empty`);
  // The key comes from the stored bytes. A huge mail is not loaded twice: its header block gives
  // the Message-ID, and without one the raw hash stands in (trace headers included).
  const bytes = blob.bytes ?? (await readPrefix(deps, blob.sha256, 256 * 1024));
  const { key, messageId } = blob.bytes ? messageKey(bytes) : fallbackKey(rawMessageId(bytes), blob.sha256);
  const { row, isNew } = await recordReceived(
    deps.db,
    { agencyCode: agency.code, messageKey: key, messageId, rawSha256: blob.sha256, rawSize: blob.size, uidvalidity, uid: listed.uid },
    deps.clock.now(),
  );
  return { row, isNew, listed, raw: blob.bytes };
}

/** Mails up to this size stay in memory between download and parse. */
const KEEP_IN_MEMORY = 8 * 1024 * 1024;

/** The first `limit` bytes of a stored blob. */
async function readPrefix(deps: IntakeDeps, sha256: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of deps.blobs.stream(sha256)) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= limit) break;
  }
  return Buffer.concat(chunks);
}

function fallbackKey(messageId: string | null, sha256: string): { key: string; messageId: string | null } {
  return { key: messageId ?? `sha256:${sha256}`, messageId };
}
