import type { App } from './app.js';
import type { HostedAgency } from './config/schema.js';
import { backoffMs } from './domain/backoff.js';
import { watchDropFolders } from './outbound/drop-folder.js';
import type { Mailbox } from './io/imap.js';
import type { Ports } from './ports.js';
import { startWebServer } from './web/server.js';
import { CYCLE_STAGES, runCycle } from './cycle.js';
import { cycleRunner, type CycleTrigger } from './schedule/cycle-runner.js';
import { mailboxQueue, type RunLane } from './schedule/mailbox-queue.js';
import { startHeartbeat } from './schedule/heartbeat.js';
import { JOBS } from './schedule/jobs.js';
import { mailboxWatchers } from './schedule/mailbox-watch.js';
import { startScheduler } from './schedule/scheduler.js';
import { realTimers, type Timers } from './schedule/timers.js';

export type ServiceOptions = { timers?: Timers; random?: () => number; web?: boolean; cron?: boolean };

/**
 * The long-running service (`edoc-bridge start`), one worker among possibly several on one
 * database (docs/operations.md §Workers):
 *   heartbeat   claims this worker's share of the mailboxes, renews them and its cycles' leases
 *   watchers    an IDLE listener per owned mailbox (within the IMAP budget), or its own poll
 *   cycles      triggered by the cron jobs and the listeners (src/cycle.ts's stages): the intake of
 *               each owned mailbox on its own, `workers.cycleConcurrency` at a time (on its IDLE
 *               connection, borrowed; mail announced by IDLE before polls; after a failure it waits a growing delay with jitter), then the other stages through one cycle runner (one run at a time)
 *   drop folders, web app and API
 * Returns a stop function for SIGTERM (the mailboxes are given back at once).
 */
export async function startService(app: App, opts: ServiceOptions = {}): Promise<() => Promise<void>> {
  const { log, clock } = app.ports;
  const timers = opts.timers ?? realTimers;
  const random = opts.random ?? Math.random;
  const owned = new Map<string, HostedAgency>();
  const inCycle = new Set<string>();
  const failing = new Map<string, { failures: number; notBefore: number }>();

  // A listener's trigger (new mail, or its poll) asks for the intake only if there is mail: see `intake` below.
  // An IDLE announcement takes the queue's announced lane; a poll waits behind them (docs/operations.md §Many mailboxes).
  const watchers = mailboxWatchers(app, (agency, why) => void cycle({ agencies: [agency], only: ['intake', 'outbox', 'record-sends'] }, { ifMail: true, lane: why }), timers);
  /** Mailboxes whose next intake was asked for by a schedule, the start or a claim: it runs even on an empty inbox (held mails, alerts). */
  const full = new Set<string>();
  // The cycles' mailbox (one connection per mailbox, docs/mail.md §IDLE and polling): its IDLE
  // listener's connection, lent for the cycle (IDLE resumes when it closes; mail arriving meanwhile
  // still raises EXISTS there). A listener not IDLE now (reconnecting) closes instead, and comes
  // back when the cycle is over, knowing the UIDNEXT the cycle saw on its own connection.
  const openMailbox: Ports['openMailbox'] = async agency => {
    inCycle.add(agency.code);
    let lent: Mailbox | null;
    try {
      lent = await watchers.lend(agency.code);
    } catch (err) {
      inCycle.delete(agency.code);
      throw err;
    }
    if (lent) {
      const mailbox = lent;
      return { ...mailbox, close: () => mailbox.close().finally(() => inCycle.delete(agency.code)) };
    }
    await watchers.pause(agency.code);
    let uidNext: number | undefined;
    const done = () => {
      inCycle.delete(agency.code);
      watchers.resume(agency.code, uidNext);
    };
    try {
      const mailbox = await app.ports.openMailbox(agency);
      return {
        ...mailbox,
        open: async folder => {
          const r = await mailbox.open(folder);
          if (folder === agency.folders.inbox) uidNext = r.uidNext;
          return r;
        },
        close: () => mailbox.close().finally(done),
      };
    } catch (err) {
      done();
      throw err;
    }
  };
  const cycleDeps = { ...app, ports: { ...app.ports, openMailbox } };
  const eligible = (agencies?: readonly HostedAgency[]) =>
    (agencies ?? [...owned.values()]).filter(a => owned.has(a.code) && (failing.get(a.code)?.notBefore ?? 0) <= clock.now().getTime());
  const noteOutcome = (a: HostedAgency, failed: boolean) => {
    if (!failed) return void failing.delete(a.code);
    const failures = (failing.get(a.code)?.failures ?? 0) + 1;
    const wait = backoffMs(failures, random(), 5_000, 10 * 60_000);
    failing.set(a.code, { failures, notBefore: clock.now().getTime() + wait });
    log.warn('MAILBOX_BACKOFF', { agency: a.code, failures, waitMs: wait });
  };
  // Each mailbox's intake on its own, several at a time (a trigger does not wait for the others' cycle).
  const intake = mailboxQueue(app.config.workers.cycleConcurrency, async agency => {
    // A listener's trigger queued behind a cycle that has already taken its mail in finds the inbox
    // empty (the listener's count, no command): no lease, list or move (docs/operations.md §Many mailboxes).
    if (!full.delete(agency.code) && watchers.inboxCount(agency.code) === 0) return;
    const report = await runCycle(cycleDeps, { agencies: [agency], only: ['intake'] });
    if (report.errors.length) log.error('JOB_FAILED', { job: 'intake', errors: report.errors });
    noteOutcome(agency, report.errors.length > 0);
  });
  // The other stages: one run at a time, triggers merged (schedule/cycle-runner.ts); never the intake.
  const stages = cycleRunner(cycleDeps, errors => log.error('JOB_FAILED', { job: 'cycle', errors }), { scope: () => [] });
  const ALL_BUT_INTAKE = CYCLE_STAGES.map(st => st.name).filter(n => n !== 'intake');
  /** A cycle as the jobs and listeners ask for it: the intake of the owned mailboxes asked for, then the other stages asked for. */
  const cycle = async (req: Parameters<CycleTrigger>[0] = {}, opts: { ifMail?: boolean; lane?: RunLane } = {}): Promise<void> => {
    if (!req.only || req.only.includes('intake'))
      await Promise.all(
        eligible(req.agencies).map(a => {
          if (!opts.ifMail) full.add(a.code);
          return intake.run(a, opts.lane ?? 'poll');
        }),
      );
    const rest = (req.only ?? ALL_BUT_INTAKE).filter(n => n !== 'intake');
    if (rest.length) await stages({ only: rest });
  };

  let first = true;
  const heartbeat = startHeartbeat(app, {
    role: 'service',
    timers,
    busy: () => inCycle,
    onChange: async ({ gained, lost }) => {
      for (const code of lost) {
        owned.delete(code);
        await watchers.remove(code);
      }
      const agencies = gained.map(code => app.config.agencies.find(a => a.code === code)).filter((a): a is HostedAgency => !!a);
      agencies.forEach((a, i) => {
        owned.set(a.code, a);
        watchers.add(a, i * app.config.workers.startStaggerMs);
      });
      // Mail that arrived while nobody served these mailboxes; at start, documents left half-submitted too.
      if (first) void cycle();
      else if (agencies.length) void cycle({ agencies, only: ['intake', 'outbox', 'record-sends'] });
      first = false;
    },
  });
  await heartbeat.tick();
  if (first) {
    first = false;
    void cycle(); // no mailbox of ours (others hold them all): the other stages still run
  }
  const scheduler = opts.cron === false ? { stop: async () => undefined } : startScheduler(app, JOBS, cycle);
  // Drop folders: fs.watch submits at once; the send schedule scans anyway (a missed event only delays).
  const stopDropFolders = watchDropFolders(app, () => cycle({ only: ['submissions'] }));
  const http = opts.web === false ? null : await startWebServer(app);
  log.info('SERVICE_START', { worker: app.workerId, agencies: app.config.agencies.map(a => a.code), owned: [...owned.keys()], http: http?.url });
  return async () => {
    log.info('SERVICE_STOP', { worker: app.workerId });
    await scheduler.stop();
    await heartbeat.stop(false);
    await watchers.stopAll();
    stopDropFolders();
    await intake.drain(); // running intakes end (their leases released) before we retire
    await stages({ only: [] }); // and the stages' run going now
    await heartbeat.stop(true);
    await http?.close();
  };
}
