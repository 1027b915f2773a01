import type { ReceivedRow } from '../db/received.js';
import type { ListedMessage } from '../io/imap.js';
import type { Downloaded, Fetched } from './fetch.js';
import type { Prepared } from './prepare.js';

/** A result that is either a value or the error it failed with (a promise started ahead must never reject unobserved). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects. */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(value => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/** The value, or the error thrown where the result is used. */
export function unwrap<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

/** One mail of the window, handed out in UID order: its raw mail kept (or why not), its preparation maybe started ahead. */
export type WindowSlot = { item: ListedMessage; fetched: Promise<Settled<Fetched>>; prepared: Promise<Settled<Prepared> | undefined> };

/** The stages the window runs ahead of the mail being committed. */
export type WindowStages = {
  /** A mail already finished (committed, raw kept): it is not downloaded again, only moved. */
  finishedBefore(item: ListedMessage): ReceivedRow | undefined;
  /** IMAP → blob store. Downloads run one after another on the one IMAP connection. */
  download(item: ListedMessage): Promise<Downloaded>;
  /** The `received` row committed (before anything else is done with the mail). */
  record(item: ListedMessage, got: Downloaded | ReceivedRow): Promise<Fetched>;
  /** Start preparing a recorded mail ahead, when that gains something (worker threads); undefined otherwise. */
  prepareAhead(f: Fetched): Promise<Prepared> | undefined;
};

/**
 * The intake window: up to `size` mails in flight. Downloads are chained on the IMAP connection,
 * each downloaded mail is recorded at once, and prepared ahead when the stages say so; the
 * consumer takes the mails strictly in listing (UID) order, so arrival numbers follow arrival.
 * Taking one mail out starts the next download, before the taken mail is committed.
 */
export async function* intakeWindow(listed: readonly ListedMessage[], stages: WindowStages, size: number): AsyncGenerator<WindowSlot> {
  const window: WindowSlot[] = [];
  let downloading: Promise<unknown> = Promise.resolve();
  let next = 0;
  const launch = (): void => {
    const item = listed[next++]!;
    const known = stages.finishedBefore(item);
    const got: Promise<Downloaded | ReceivedRow> = known ? Promise.resolve(known) : downloading.then(() => stages.download(item));
    downloading = settle(got);
    const fetched = settle(got.then(g => stages.record(item, g)));
    const prepared = fetched.then(f => {
      const ahead = f.ok ? stages.prepareAhead(f.value) : undefined;
      return ahead ? settle(ahead) : undefined;
    });
    window.push({ item, fetched, prepared });
  };
  while (next < listed.length && window.length < size) launch();
  while (window.length > 0) {
    const slot = window.shift()!;
    if (next < listed.length) launch();
    yield slot;
  }
}
