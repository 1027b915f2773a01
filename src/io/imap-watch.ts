import type { ImapFlow } from 'imapflow';
import type { HostedAgency } from '../config/schema.js';
import { backoffMs } from '../domain/backoff.js';
import type { Log } from '../log.js';
import { connectImap, deadline, mailboxOn, namespaceOf, type Mailbox, type ProbeCache } from './imap.js';
import { serverPath } from './imap-folders.js';

/**
 * The IDLE listener of one mailbox (docs/mail.md §IDLE and polling): it holds the mailbox's one
 * connection and lends it to the mailbox's cycle. The mailbox port itself is io/imap.ts.
 */

/** What an IDLE listener reports besides new mail: IDLE running (with the folder's UIDNEXT), or no IDLE on this server. */
export type WatchEvents = { ready?(info: { uidNext: number }): void; unsupported?(): void };

/** A running IDLE listener: stop it, or lend its connection to the mailbox's cycle. */
export type MailboxWatch = {
  /** Resolves once the connection is closed (after a lent cycle has given it back). */
  stop(): Promise<void>;
  /**
   * The listener's own connection as a Mailbox port for one cycle (docs/mail.md §IDLE and
   * polling): IDLE ends with the cycle's first command and resumes when the cycle closes it.
   * Waits for a listener logging in; null while it is not IDLE (backing off, lent already, stopped).
   */
  lend(): Promise<Mailbox | null>;
  /**
   * The watched folder's message count as the listener knows it (EXISTS and EXPUNGE keep it), or
   * undefined while it is not listening: 0 lets the service skip a cycle that would find nothing
   * (docs/operations.md §Many mailboxes).
   */
  exists?(): number | undefined;
};

/**
 * Watch a folder with IDLE and call `onNew` when EXISTS grows; reconnects with a growing delay
 * and jitter. The mailbox's cycle borrows this connection (`lend`) instead of opening a second
 * one (one connection per mailbox, docs/operations.md §Workers); a failure on it closes the
 * connection and the listener reconnects as after any other. A server without IDLE is reported
 * once (`unsupported`) and the listener ends: the mailbox is polled.
 */
export function watchMailbox(
  agency: HostedAgency,
  folder: string,
  onNew: () => void,
  onError: (err: unknown) => void,
  events: WatchEvents = {},
  log?: Log,
): MailboxWatch {
  let stopped = false;
  let client: ImapFlow | undefined;
  let wake: (() => void) | undefined;
  /** Set while IDLE runs on a selected folder: a cycle may borrow the connection. */
  let listening = false;
  /** Resolves when the cycle that borrowed the connection gives it back. */
  let lent: Promise<void> | undefined;
  /** The connection being made: resolves once it listens or has failed (a cycle asking meanwhile waits for it). */
  let connecting: Promise<void> | undefined;
  /** The folder check of the current connection, done by its first lent cycle (docs/operations.md §Many mailboxes). */
  let probed: ProbeCache = {};
  /** The watched folder's path on the server, once known. */
  let watched: string | undefined;
  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      let connected!: () => void;
      connecting = new Promise<void>(r => (connected = r));
      try {
        client = await connectImap(agency);
        probed = {};
        if (stopped) {
          // Stopped while logging in: this connection is closed below, and no other opens.
          throw new Error('stopped');
        }
        // The configured name mapped to the server's namespace and separator (docs/mail.md §IMAP servers).
        // Selected read-write, as the cycle selects it: a borrowing cycle needs no second SELECT.
        const path = serverPath(folder, namespaceOf(client));
        watched = path;
        const mb = await client.mailboxOpen(path);
        if (!client.capabilities.has('IDLE')) {
          await client.logout().catch(() => client?.close());
          client = undefined;
          events.unsupported?.();
          connected();
          return; // polled on the mailbox's own schedule
        }
        client.on('exists', () => onNew());
        failures = 0;
        events.ready?.({ uidNext: Number(mb.uidNext) });
        listening = true;
        connected();
        while (!stopped && client.usable) {
          if (lent) {
            await lent;
            // The cycle may have left another folder selected: back to ours, and mail that came meanwhile asks for a cycle.
            if (!stopped && client.usable && (!client.mailbox || client.mailbox.path !== path)) {
              const again = await deadline(client, agency)(`SELECT ${path}`, () => client!.mailboxOpen(path));
              events.ready?.({ uidNext: Number(again.uidNext) });
            }
          } else await client.idle();
        }
      } catch (err) {
        if (!stopped) onError(err);
        failures++;
      }
      listening = false;
      connected();
      connecting = undefined;
      if (lent) await lent; // a cycle still on this connection ends first (its commands fail once it is closed)
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
  return {
    async lend() {
      // A listener still logging in (the service's first cycle comes at once) is waited for, not doubled.
      if (!listening) await connecting;
      const c = client;
      if (stopped || !listening || lent || !c?.usable) return null;
      let giveBack!: () => void;
      // Set before the first command: the loop must not start IDLE again while the cycle works.
      lent = new Promise<void>(r => (giveBack = r));
      const back = async () => {
        lent = undefined;
        giveBack();
      };
      try {
        return await mailboxOn(c, agency, deadline(c, agency), back, log, probed);
      } catch (err) {
        await back();
        throw err;
      }
    },
    exists() {
      const mb = client?.mailbox;
      return listening && !lent && client?.usable && mb && mb.path === watched ? mb.exists : undefined;
    },
    async stop() {
      stopped = true;
      wake?.();
      await lent; // a lent cycle finishes its commands before the connection is logged out
      try {
        await client?.logout();
      } catch {
        // LOGOUT failed (the connection dropped): close the socket instead.
        client?.close();
      }
      await done;
    },
  };
}
