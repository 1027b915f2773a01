/**
 * A scriptable in-memory mailbox (the Mailbox port of src/io/imap.ts) for fast tests of the intake:
 * folders of raw mails with UIDs, a UIDVALIDITY, scripted failures (a download that fails, a
 * connection that drops, a move the server refuses), and a record of every call.
 */
import { Readable } from 'node:stream';
import type { HostedAgency } from '../../src/config/schema.js';
import type { ListedMessage, Mailbox } from '../../src/io/imap.js';
import type { MailboxWatch, WatchEvents } from '../../src/io/imap-watch.js';

type Stored = { uid: number; raw: Buffer };

/** One call the intake made, in order. */
export type MailboxCall = { op: 'open' | 'list' | 'download' | 'move' | 'close'; folder?: string; uid?: number; uids?: number[] };

/** The messages of one agency's mailbox, across folders. */
export class FakeMailbox {
  readonly folders = new Map<string, Stored[]>();
  readonly calls: MailboxCall[] = [];
  uidvalidity = 1;
  private nextUid = 1;
  private failures = new Map<number, Error[]>();
  private dropNext: number | null = null;
  private refuseMoves = 0;
  /** How many connections are open right now (the intake must close what it opens), IDLE listeners included. */
  open = 0;
  /** The most connections open at once on this mailbox. */
  maxOpen = 0;
  /** Connections ever opened to this mailbox (a close and reopen counts twice). */
  opens = 0;
  /** Called after each call is recorded (a test delivers mail in the middle of a cycle). */
  onCall: (call: MailboxCall) => void = () => undefined;
  /** Whether the server offers IDLE (one without it: docs/mail.md §IDLE and polling). */
  idle = true;
  /** IDLE listeners: called on each delivery to the inbox. */
  private listeners = new Set<() => void>();
  /** Set by FakeMailboxes: every connection counted across mailboxes. */
  onOpen: (delta: number) => void = () => undefined;

  private opened(delta: number): void {
    this.open += delta;
    if (delta > 0) this.opens += delta;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    this.onOpen(delta);
  }

  private record(call: MailboxCall): void {
    this.calls.push(call);
    this.onCall(call);
  }

  /** How many times an IDLE listener lent its connection to a cycle. */
  lends = 0;

  /**
   * The `watchMailbox` port for this mailbox: one connection while it listens, lent to one cycle
   * at a time (no new connection counted); a delivery during the lend still reaches `onNew`.
   */
  watch(onNew: () => void, events: WatchEvents = {}): MailboxWatch {
    if (!this.idle) {
      queueMicrotask(() => events.unsupported?.());
      return { stop: async () => undefined, lend: async () => null };
    }
    this.opened(1);
    this.listeners.add(onNew);
    let ready = false;
    queueMicrotask(() => {
      ready = true;
      events.ready?.({ uidNext: this.nextUid });
    });
    let stopped = false;
    let lent: Promise<void> | undefined;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await lent;
        this.listeners.delete(onNew);
        this.opened(-1);
      },
      exists: () => (stopped || !ready || lent ? undefined : this.messages().length),
      lend: async () => {
        if (stopped || !ready || lent) return null;
        this.lends++;
        let back!: () => void;
        lent = new Promise<void>(r => (back = r));
        return this.session(async () => {
          lent = undefined;
          back();
        });
      },
    };
  }

  /** Deliver a raw mail to a folder (default INBOX); returns its UID. */
  deliver(raw: Buffer | string, folder = 'INBOX'): number {
    const uid = this.nextUid++;
    const list = this.folders.get(folder) ?? [];
    list.push({ uid, raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.replace(/\r?\n/g, '\r\n')) });
    this.folders.set(folder, list);
    if (folder === 'INBOX') for (const l of this.listeners) l();
    return uid;
  }

  /** The raw mails of a folder, in UID order. */
  messages(folder = 'INBOX'): Buffer[] {
    return (this.folders.get(folder) ?? []).map(m => m.raw);
  }

  /** The next `times` downloads of `uid` fail with `err`. */
  failDownload(uid: number, times = 1, err: Error = Object.assign(new Error('IMAP connection lost'), { code: 'ECONNRESET' })): void {
    this.failures.set(uid, Array.from({ length: times }, () => err));
  }

  /** The next connection drops after `n` downloads: every later download on it fails (the one after is fine). */
  disconnectAfter(n: number): void {
    this.dropNext = n;
  }

  /** The next `n` MOVE commands are refused by the server. */
  refuseMove(n = 1): void {
    this.refuseMoves = n;
  }

  /** Renumber the folder under a new UIDVALIDITY (a server rebuild): same mails, new UIDs. */
  rebuild(): void {
    this.uidvalidity++;
    for (const [folder, list] of this.folders) this.folders.set(folder, list.map(m => ({ uid: this.nextUid++, raw: m.raw })));
  }

  /** A Mailbox port over this mailbox (one "connection"). */
  connect(): Mailbox {
    this.opened(1);
    return this.session(async () => this.opened(-1));
  }

  /** The Mailbox port on a connection already counted: `done` runs on its first close. */
  private session(done: () => Promise<void>): Mailbox {
    let folder = 'INBOX';
    let closed = false;
    let downloads = 0;
    const dropAfter = this.dropNext;
    this.dropNext = null;
    return {
      open: async f => {
        folder = f;
        this.record({ op: 'open', folder: f });
        return { uidvalidity: this.uidvalidity, exists: (this.folders.get(f) ?? []).length, uidNext: this.nextUid };
      },
      list: async () => {
        this.record({ op: 'list', folder });
        return (this.folders.get(folder) ?? []).map((m): ListedMessage => ({ uid: m.uid, size: m.raw.length, messageId: headerValue(m.raw, 'message-id') }));
      },
      download: async uid => {
        this.record({ op: 'download', folder, uid });
        downloads++;
        if (dropAfter !== null && downloads > dropAfter) throw Object.assign(new Error('connection dropped'), { code: 'ECONNRESET' });
        const planned = this.failures.get(uid)?.shift();
        if (planned) throw planned;
        const m = (this.folders.get(folder) ?? []).find(x => x.uid === uid);
        if (!m) throw new Error(`UID ${uid} vanished`);
        // Chunked, like a partial FETCH.
        return Readable.from([m.raw.subarray(0, 1024), m.raw.subarray(1024)].filter(b => b.length > 0));
      },
      move: async (uids, to) => {
        this.record({ op: 'move', folder: to, uids });
        if (this.refuseMoves > 0) {
          this.refuseMoves--;
          throw new Error(`MOVE to ${to} failed`);
        }
        const from = this.folders.get(folder) ?? [];
        const moving = from.filter(m => uids.includes(m.uid));
        this.folders.set(folder, from.filter(m => !uids.includes(m.uid)));
        this.folders.set(to, [...(this.folders.get(to) ?? []), ...moving.map(m => ({ uid: this.nextUid++, raw: m.raw }))]);
        return { path: to, method: 'move' as const, held: 0 };
      },
      close: async () => {
        this.record({ op: 'close' });
        if (!closed) {
          closed = true;
          await done();
        }
      },
    };
  }
}

/** One FakeMailbox per agency, as the `openMailbox` port. */
export class FakeMailboxes {
  private boxes = new Map<string, FakeMailbox>();
  /** When set, opening a mailbox fails (the server is down). */
  down: Error | null = null;
  /** Connections open now across every mailbox (one server), the most at once, and how many ever opened. */
  open = 0;
  maxOpen = 0;
  opens = 0;

  of(agencyCode: string): FakeMailbox {
    let box = this.boxes.get(agencyCode);
    if (!box) {
      this.boxes.set(agencyCode, (box = new FakeMailbox()));
      box.onOpen = delta => {
        this.open += delta;
        if (delta > 0) this.opens += delta;
        this.maxOpen = Math.max(this.maxOpen, this.open);
      };
    }
    return box;
  }

  /** A listener's connection lent to a cycle goes through `beforeOpen` and `down` too (a server down fails its commands). */
  readonly watchMailbox = (agency: HostedAgency, _folder: string, onNew: () => void, _onError: (err: unknown) => void, events?: WatchEvents): MailboxWatch => {
    const watch = this.of(agency.code).watch(onNew, events);
    return {
      stop: watch.stop,
      exists: watch.exists,
      lend: async () => {
        await this.beforeOpen(agency);
        if (this.down) throw this.down;
        return watch.lend();
      },
    };
  };

  /** Awaited before each connection opens or is lent to a cycle (a test holds connections open to count them). */
  beforeOpen: (agency: HostedAgency) => Promise<void> = async () => undefined;

  readonly openMailbox = async (agency: HostedAgency): Promise<Mailbox> => {
    await this.beforeOpen(agency);
    if (this.down) throw this.down;
    return this.of(agency.code).connect();
  };
}

/** The first value of a header in a raw mail (unfolded), or null. */
function headerValue(raw: Buffer, name: string): string | null {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1').replace(/\r\n[ \t]/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? m[1]!.trim() : null;
}
