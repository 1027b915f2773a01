import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import type { Log } from '../log.js';
import { describeFolderProblems, serverPath, type FolderCheck, type Namespace } from './imap-folders.js';
import { moveMessages, type MoveResult, type Timed } from './imap-move.js';

export type { MoveResult } from './imap-move.js';

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
  /** The mails of the open folder, except those flagged \Deleted (the clerk's deletions, or ours held). */
  list(): Promise<ListedMessage[]>;
  download(uid: number): Promise<Readable>;
  /** Move messages (by UID) to a configured folder, creating it when missing. */
  move(uids: number[], folder: string): Promise<MoveResult>;
  close(): Promise<void>;
};

/** What `config check` and every connection learn about a server (docs/mail.md §IMAP servers). */
export type MailboxProbe = {
  namespace: Namespace;
  capabilities: { move: boolean; uidplus: boolean; idle: boolean; namespace: boolean };
  folders: FolderCheck[];
};

/** TLS options: the CA is verified, never `rejectUnauthorized: false` (docs/mail.md §TLS). */
function tlsOf(tls: { caFile?: string; servername?: string }): { ca?: Buffer; servername?: string } {
  return { ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}), ...(tls.servername ? { servername: tls.servername } : {}) };
}

/** imapflow options for a hosted agency's mailbox. */
export function imapOptions(agency: HostedAgency): ConstructorParameters<typeof ImapFlow>[0] {
  const { imap } = agency;
  const ms = imap.timeoutSeconds * 1000;
  return {
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    // TLS by default (docs/mail.md §TLS): STARTTLS required, or never tried when cleartext is allowed.
    doSTARTTLS: imap.secure ? undefined : imap.starttls,
    auth: { user: imap.user, pass: agency.imapPassword },
    tls: tlsOf(imap.tls),
    logger: false,
    // We call idle() ourselves; imapflow's default waits 15 s of inactivity first (docs/mail.md §IDLE and polling).
    disableAutoIdle: true,
    emitLogs: false,
    connectionTimeout: ms,
    greetingTimeout: ms,
  };
}

/** `host:port`, for messages. */
const where = (agency: HostedAgency) => `${agency.imap.host}:${agency.imap.port}`;

/** The server's own words from an imapflow error (the tagged NO/BAD text), else its message. */
export function serverWords(err: unknown): string {
  const e = err as { responseStatus?: string; responseText?: string; serverResponseCode?: string; message?: string };
  if (e?.responseText) return `${e.responseStatus ?? 'NO'}${e.serverResponseCode ? ` [${e.serverResponseCode}]` : ''} ${e.responseText}`;
  return e?.message ?? String(err);
}

/**
 * Every IMAP command gets a deadline (`imap.timeoutSeconds`): a server that never answers (a
 * `NAMESPACE NIL` imapflow waits on, a stuck proxy) costs one timeout, never a hung cycle. On
 * expiry the connection is closed, which also fails the command still waiting inside imapflow.
 */
export function deadline(client: ImapFlow, agency: HostedAgency): Timed {
  const ms = agency.imap.timeoutSeconds * 1000;
  return async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        client.close();
        reject(new BridgeError('IMAP_TIMEOUT', `IMAP ${where(agency)} for ${agency.code}: no answer to ${what} within ${agency.imap.timeoutSeconds} s`));
      }, ms);
    });
    try {
      return await Promise.race([run(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Connect and log in; a refused login is IMAP_AUTH, anything else IMAP_UNAVAILABLE, with the server's words. */
export async function connectImap(agency: HostedAgency): Promise<ImapFlow> {
  const client = new ImapFlow(imapOptions(agency));
  client.on('error', () => {
    /* surfaced through the failing command; an unhandled 'error' event would crash the process */
  });
  try {
    await deadline(client, agency)('connect and LOGIN', () => client.connect());
  } catch (err) {
    // The socket must not outlive the failure: an open one keeps `run --once` alive until it times out.
    client.close();
    if (err instanceof BridgeError) throw err;
    if ((err as { authenticationFailed?: boolean }).authenticationFailed) {
      throw new BridgeError('IMAP_AUTH', `IMAP ${where(agency)} for ${agency.code}: login of ${agency.imap.user} refused: ${serverWords(err)}`, { cause: err });
    }
    throw new BridgeError('IMAP_UNAVAILABLE', `IMAP ${where(agency)} for ${agency.code}: ${(err as Error).message}`, { cause: err });
  }
  return client;
}

/** The personal namespace, from NAMESPACE or (without it) LIST "" "" as imapflow read it at login. */
export function namespaceOf(client: ImapFlow): Namespace {
  const ns = client.namespace;
  return { prefix: ns?.prefix ?? '', delimiter: ns?.delimiter ?? null };
}

/**
 * Check the configured folders: each one exists, or is created now. A folder the server refuses
 * to create is reported with the server's words, never retried in silence.
 */
async function checkFolders(client: ImapFlow, agency: HostedAgency, timed: Timed, log?: Log): Promise<FolderCheck[]> {
  const ns = namespaceOf(client);
  const existing = new Set((await timed('LIST', () => client.list())).map(f => (f.path.toUpperCase() === 'INBOX' ? 'INBOX' : f.path)));
  const out: FolderCheck[] = [];
  for (const role of ['inbox', 'processed', 'quarantine'] as const) {
    const configured = agency.folders[role];
    const path = serverPath(configured, ns);
    if (existing.has(path)) {
      out.push({ role, configured, path, state: 'exists' });
      continue;
    }
    try {
      await timed(`CREATE ${path}`, () => client.mailboxCreate(path));
      existing.add(path);
      out.push({ role, configured, path, state: 'created' });
      log?.info('IMAP_FOLDER_CREATED', { agency: agency.code, folder: configured, path });
    } catch (err) {
      if (err instanceof BridgeError) throw err;
      out.push({ role, configured, path, state: 'error', error: serverWords(err) });
    }
  }
  return out;
}

/** Connect, read the namespace and capabilities, check (and create) the configured folders. */
export async function probeMailbox(agency: HostedAgency, log?: Log): Promise<MailboxProbe> {
  const client = await connectImap(agency);
  try {
    return await probeWith(client, agency, deadline(client, agency), log);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function probeWith(client: ImapFlow, agency: HostedAgency, timed: Timed, log?: Log): Promise<MailboxProbe> {
  const caps = client.capabilities;
  return {
    namespace: namespaceOf(client),
    capabilities: { move: caps.has('MOVE'), uidplus: caps.has('UIDPLUS'), idle: caps.has('IDLE'), namespace: caps.has('NAMESPACE') },
    folders: await checkFolders(client, agency, timed, log),
  };
}

/** Open an agency's mailbox as a Mailbox port, on a connection of its own (closed by `close()`). */
export async function openImapMailbox(agency: HostedAgency, log?: Log): Promise<Mailbox> {
  const client = await connectImap(agency);
  const timed = deadline(client, agency);
  const logout = async () => {
    try {
      await timed('LOGOUT', () => client.logout());
    } catch {
      // LOGOUT failed (the connection dropped): close the socket instead.
      client.close();
    }
  };
  try {
    return await mailboxOn(client, agency, timed, logout, log);
  } catch (err) {
    if (err instanceof BridgeError && err.code === 'IMAP_FOLDER') await client.logout().catch(() => client.close());
    else client.close();
    throw err;
  }
}

/** What a connection learnt of its server's folders: kept across the cycles lent one IDLE connection, dropped when a move fails. */
export type ProbeCache = { probe?: MailboxProbe };

/**
 * The Mailbox port on a logged-in connection: its own (openImapMailbox) or an IDLE listener's,
 * lent to a cycle (watchMailbox). The folders are checked first (IMAP_FOLDER when one is
 * unusable), once per connection when a `cache` is given (docs/operations.md §Many mailboxes);
 * every command has its deadline; `close()` releases the folder, then `done`.
 */
export async function mailboxOn(client: ImapFlow, agency: HostedAgency, timed: Timed, done: () => Promise<void>, log?: Log, cache: ProbeCache = {}): Promise<Mailbox> {
  const probe = cache.probe ?? (await probeWith(client, agency, timed, log));
  const problems = describeFolderProblems(probe.folders);
  if (problems.length) {
    cache.probe = undefined;
    throw new BridgeError('IMAP_FOLDER', `IMAP ${where(agency)} for ${agency.code}: ${problems.join('; ')}`, { details: { folders: probe.folders } });
  }
  cache.probe = probe;
  const paths = new Map(probe.folders.map(f => [f.configured, f.path]));
  let release: (() => void) | undefined;
  /** The server path of a configured folder; one not checked at open (a row's own target) is created here. */
  const pathOf = async (folder: string): Promise<string> => {
    const known = paths.get(folder);
    if (known) return known;
    const path = serverPath(folder, probe.namespace);
    const listed = await timed('LIST', () => client.list());
    if (!listed.some(f => f.path === path)) {
      try {
        await timed(`CREATE ${path}`, () => client.mailboxCreate(path));
      } catch (err) {
        if (err instanceof BridgeError) throw err;
        throw new BridgeError('IMAP_FOLDER', `IMAP ${where(agency)} for ${agency.code}: folder "${folder}" (server path "${path}") cannot be created: ${serverWords(err)}`, { cause: err });
      }
    }
    paths.set(folder, path);
    return path;
  };

  return {
    async open(folder) {
      const path = await pathOf(folder);
      const lock = await timed(`SELECT ${path}`, () => client.getMailboxLock(path));
      release = () => lock.release();
      const mb = client.mailbox;
      if (!mb) throw new BridgeError('IMAP_UNAVAILABLE', `cannot open ${path}`);
      return { uidvalidity: Number(mb.uidValidity), exists: mb.exists, uidNext: Number(mb.uidNext) };
    },
    async list() {
      const mb = client.mailbox;
      if (!mb || mb.exists === 0) return [];
      return timed('FETCH 1:*', async () => {
        const out: ListedMessage[] = [];
        for await (const msg of client.fetch('1:*', { uid: true, size: true, envelope: true, flags: true })) {
          if (msg.flags?.has('\\Deleted')) continue;
          out.push({ uid: msg.uid, size: msg.size ?? 0, messageId: msg.envelope?.messageId ?? null });
        }
        return out;
      });
    },
    async download(uid) {
      // 1 MiB partial fetches: 2.7× faster than the 64 KiB default (docs/mail.md §Two-phase IMAP fetch).
      const res = await timed(`UID FETCH ${uid}`, () => client.download(String(uid), undefined, { uid: true, chunkSize: 1 << 20 }));
      if (!res?.content) throw new BridgeError('IMAP_UNAVAILABLE', `UID ${uid} vanished before download`);
      return res.content;
    },
    async move(uids, folder) {
      const path = await pathOf(folder);
      if (uids.length === 0) return { path, method: 'move', held: 0 };
      try {
        return await moveMessages(client, timed, probe.capabilities, uids, path, agency);
      } catch (err) {
        // A folder deleted since the check: the next cycle checks (and creates) the folders again.
        cache.probe = undefined;
        throw err;
      }
    },
    async close() {
      release?.();
      release = undefined;
      await done();
    },
  };
}
