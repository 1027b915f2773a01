import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError } from '../errors.js';

/** A message seen in phase 1 of a fetch: small facts only, no body. */
export type ListedMessage = { uid: number; size: number; messageId: string | null };

/**
 * The mailbox port the intake pipeline uses. Only this file imports imapflow. Fetching is two
 * phases (imapflow#159: an IMAP command inside a `for await (fetch)` loop deadlocks): `list()`
 * runs one FETCH to the end, then `download()` is called per UID.
 */
export type Mailbox = {
  /** Open the folder; returns its UIDVALIDITY. */
  open(folder: string): Promise<{ uidvalidity: number; exists: number }>;
  list(): Promise<ListedMessage[]>;
  download(uid: number): Promise<Readable>;
  /** Move messages (by UID) to a folder, creating it when missing. */
  move(uids: number[], folder: string): Promise<void>;
  close(): Promise<void>;
};

/** TLS options: the CA is verified, never `rejectUnauthorized: false` (docs/mail.md §TLS). */
function tlsOf(tls: { caFile?: string; servername?: string }): { ca?: Buffer; servername?: string } {
  return { ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}), ...(tls.servername ? { servername: tls.servername } : {}) };
}

/** imapflow options for a hosted agency's mailbox. */
export function imapOptions(agency: HostedAgency): ConstructorParameters<typeof ImapFlow>[0] {
  const { imap } = agency;
  return {
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    // Plain IMAP on a trusted loopback: imapflow would otherwise upgrade with STARTTLS whenever offered.
    doSTARTTLS: imap.secure ? undefined : imap.starttls,
    auth: { user: imap.user, pass: agency.imapPassword },
    tls: tlsOf(imap.tls),
    logger: false,
    // We call idle() ourselves; imapflow's default waits 15 s of inactivity first (docs/mail.md §IDLE and polling).
    disableAutoIdle: true,
    emitLogs: false,
  };
}

/** Connect and log in; errors become IMAP_UNAVAILABLE with the server's words. */
export async function connectImap(agency: HostedAgency): Promise<ImapFlow> {
  const client = new ImapFlow(imapOptions(agency));
  client.on('error', () => {
    /* surfaced through the failing command; an unhandled 'error' event would crash the process */
  });
  try {
    await client.connect();
  } catch (err) {
    throw new BridgeError('IMAP_UNAVAILABLE', `IMAP ${agency.imap.host}:${agency.imap.port} for ${agency.code}: ${(err as Error).message}`, { cause: err });
  }
  return client;
}

/** Open an agency's mailbox as a Mailbox port. */
export async function openImapMailbox(agency: HostedAgency): Promise<Mailbox> {
  const client = await connectImap(agency);
  let release: (() => void) | undefined;
  const knownFolders = new Set<string>();

  return {
    async open(folder) {
      const lock = await client.getMailboxLock(folder);
      release = () => lock.release();
      const mb = client.mailbox;
      if (!mb) throw new BridgeError('IMAP_UNAVAILABLE', `cannot open ${folder}`);
      return { uidvalidity: Number(mb.uidValidity), exists: mb.exists };
    },
    async list() {
      const mb = client.mailbox;
      if (!mb || mb.exists === 0) return [];
      const out: ListedMessage[] = [];
      for await (const msg of client.fetch('1:*', { uid: true, size: true, envelope: true })) {
        out.push({ uid: msg.uid, size: msg.size ?? 0, messageId: msg.envelope?.messageId ?? null });
      }
      return out;
    },
    async download(uid) {
      // 1 MiB partial fetches: 2.7× faster than the 64 KiB default (docs/mail.md §Two-phase IMAP fetch).
      const res = await client.download(String(uid), undefined, { uid: true, chunkSize: 1 << 20 });
      if (!res?.content) throw new BridgeError('IMAP_UNAVAILABLE', `UID ${uid} vanished before download`);
      return res.content;
    },
    async move(uids, folder) {
      if (uids.length === 0) return;
      if (!knownFolders.has(folder)) {
        try {
          await client.mailboxCreate(folder);
        } catch {
          /* exists already (ALREADYEXISTS) — the move below says if it really is missing */
        }
        knownFolders.add(folder);
      }
      const ok = await client.messageMove(uids.join(','), folder, { uid: true });
      if (ok === false) throw new BridgeError('IMAP_UNAVAILABLE', `MOVE to ${folder} failed`);
    },
    async close() {
      release?.();
      release = undefined;
      try {
        await client.logout();
      } catch {
        // LOGOUT failed (the connection dropped): close the socket instead.
        client.close();
      }
    },
  };
}

/**
 * Watch a folder with IDLE and call `onNew` when EXISTS grows; reconnects with backoff.
 * Returns a stop function. The cron poll stays as the fallback when IDLE is not offered.
 */
export function watchMailbox(
  agency: HostedAgency,
  folder: string,
  onNew: () => void,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let client: ImapFlow | undefined;
  const loop = async () => {
    let backoff = 1000;
    while (!stopped) {
      try {
        client = await connectImap(agency);
        await client.mailboxOpen(folder, { readOnly: true });
        if (!client.capabilities.has('IDLE')) {
          await client.logout();
          return; // polling only
        }
        client.on('exists', () => onNew());
        backoff = 1000;
        while (!stopped && client.usable) await client.idle();
      } catch (err) {
        if (!stopped) onError(err);
      }
      try {
        client?.close();
      } catch {
        /* already closed */
      }
      if (!stopped) await new Promise(r => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 60_000);
    }
  };
  void loop();
  return async () => {
    stopped = true;
    try {
      await client?.logout();
    } catch {
      // LOGOUT failed (the connection dropped): close the socket instead.
      client?.close();
    }
  };
}
