import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import type { HostedAgency } from '../config/schema.js';
import { backoffMs } from '../domain/backoff.js';
import { BridgeError } from '../errors.js';

/** A message seen in phase 1 of a fetch: small facts only, no body. */
export type ListedMessage = { uid: number; size: number; messageId: string | null };

/**
 * The mailbox port the intake pipeline uses. Only this file imports imapflow. Fetching is two
 * phases (imapflow#159: an IMAP command inside a `for await (fetch)` loop deadlocks): `list()`
 * runs one FETCH to the end, then `download()` is called per UID.
 */
export type Mailbox = {
  /** Open the folder; returns its UIDVALIDITY (and UIDNEXT: the service's IDLE listener compares it). */
  open(folder: string): Promise<{ uidvalidity: number; exists: number; uidNext?: number }>;
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
      return { uidvalidity: Number(mb.uidValidity), exists: mb.exists, uidNext: Number(mb.uidNext) };
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

/** What an IDLE listener reports besides new mail: IDLE running (with the folder's UIDNEXT), or no IDLE on this server. */
export type WatchEvents = { ready?(info: { uidNext: number }): void; unsupported?(): void };

/**
 * Watch a folder with IDLE and call `onNew` when EXISTS grows; reconnects with a growing delay
 * and jitter. Returns a stop function that resolves once the connection is closed (a mailbox's
 * cycle waits for it: one connection per mailbox, docs/operations.md §Workers). A server
 * without IDLE is reported once (`unsupported`) and the listener ends: the mailbox is polled.
 */
export function watchMailbox(
  agency: HostedAgency,
  folder: string,
  onNew: () => void,
  onError: (err: unknown) => void,
  events: WatchEvents = {},
): () => Promise<void> {
  let stopped = false;
  let client: ImapFlow | undefined;
  let wake: (() => void) | undefined;
  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      try {
        client = await connectImap(agency);
        if (stopped) {
          // Stopped while logging in: this connection is closed below, and no other opens.
          throw new Error('stopped');
        }
        const mb = await client.mailboxOpen(folder, { readOnly: true });
        if (!client.capabilities.has('IDLE')) {
          await client.logout().catch(() => client?.close());
          client = undefined;
          events.unsupported?.();
          return; // polled on the mailbox's own schedule
        }
        client.on('exists', () => onNew());
        failures = 0;
        events.ready?.({ uidNext: Number(mb.uidNext) });
        while (!stopped && client.usable) await client.idle();
      } catch (err) {
        if (!stopped) onError(err);
        failures++;
      }
      try {
        client?.close();
      } catch {
        /* already closed */
      }
      client = undefined;
      if (!stopped)
        await new Promise<void>(r => {
          const timer = setTimeout(r, backoffMs(Math.max(failures, 1), Math.random()));
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
    }
  };
  const done = loop();
  return async () => {
    stopped = true;
    wake?.();
    try {
      await client?.logout();
    } catch {
      // LOGOUT failed (the connection dropped): close the socket instead.
      client?.close();
    }
    await done;
  };
}
