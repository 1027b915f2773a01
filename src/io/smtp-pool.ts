import type { HostedAgency } from '../config/schema.js';
import type { HostBudget } from './host-budget.js';
import type { Mailer } from './smtp.js';

type Entry = { agency: string; host: string; mailer: Mailer; busy: boolean; release: () => void; idleTimer?: NodeJS.Timeout };

/** The outbox's shared SMTP connections (docs/operations.md §Workers). */
export type SmtpPool = {
  /** A Mailer for the agency: each send borrows one of its connections; `close` closes the agency's idle ones. */
  mailerFor(agency: HostedAgency): Mailer;
  /** Connections open now (all hosts). */
  openCount(): number;
  closeAll(): void;
};

/**
 * One connection per mailer (`create` opens a single-connection transport), shared by every
 * outbox run of the process: a send uses an idle connection of its agency, or opens one within
 * the host's budget; when the host is full, an idle connection of another agency is closed to make
 * room, else the send waits. A connection idle `idleMs` is closed, so a quiet province holds none.
 */
export function smtpPool(create: (agency: HostedAgency) => Mailer, budget: HostBudget, idleMs: number): SmtpPool {
  const entries: Entry[] = [];
  const drop = (e: Entry) => {
    const i = entries.indexOf(e);
    if (i >= 0) entries.splice(i, 1);
    clearTimeout(e.idleTimer);
    try {
      e.mailer.close();
    } finally {
      e.release();
    }
  };
  const borrow = async (agency: HostedAgency): Promise<Entry> => {
    const host = agency.smtp.host;
    for (;;) {
      const idle = entries.find(e => e.agency === agency.code && !e.busy);
      if (idle) {
        clearTimeout(idle.idleTimer);
        idle.busy = true;
        return idle;
      }
      let release = budget.tryAcquire(host);
      if (!release) {
        const other = entries.find(e => e.host === host && !e.busy);
        if (other) {
          drop(other);
          continue;
        }
        release = await budget.acquire(host);
      }
      const entry: Entry = { agency: agency.code, host, mailer: create(agency), busy: true, release };
      entries.push(entry);
      return entry;
    }
  };
  const giveBack = (e: Entry, broken: boolean) => {
    e.busy = false;
    // Broken, or others wait for a slot on this host: the connection goes rather than idles.
    if (broken || budget.queued(e.host) > 0) return drop(e);
    e.idleTimer = setTimeout(() => drop(e), idleMs);
    e.idleTimer.unref?.();
  };
  return {
    mailerFor: agency => ({
      async send(mail) {
        const e = await borrow(agency);
        try {
          const result = await e.mailer.send(mail);
          giveBack(e, false);
          return result;
        } catch (err) {
          // A connection-level failure leaves the transport unusable; an SMTP reply (4xx/5xx) does not.
          giveBack(e, (err as { responseCode?: number }).responseCode === undefined);
          throw err;
        }
      },
      // The run that used this agency is over: its idle connections close now, busy ones when done.
      close: () => {
        for (const e of entries.filter(x => x.agency === agency.code && !x.busy)) drop(e);
      },
    }),
    openCount: () => entries.length,
    closeAll: () => {
      for (const e of [...entries]) drop(e);
    },
  };
}
