import type { App } from './app.js';
import type { HostedAgency } from './config/schema.js';
import { backoffMs } from './domain/backoff.js';
import { watchDropFolders } from './outbound/drop-folder.js';
import type { Ports } from './ports.js';
import { startWebServer } from './web/server.js';
import { cycleRunner } from './schedule/cycle-runner.js';
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
 *   cycles      one cycle runner (src/cycle.ts) triggered by the cron jobs and the listeners,
 *               for the owned mailboxes only; a mailbox's IDLE connection is closed while its
 *               cycle runs; a mailbox whose cycle failed waits a growing delay with jitter
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

  const watchers = mailboxWatchers(app, agency => void cycle({ agencies: [agency], only: ['intake', 'outbox', 'record-sends'] }), timers);
  // The cycles' mailbox: its IDLE listener closes first, and comes back when the cycle is over.
  const openMailbox: Ports['openMailbox'] = async agency => {
    await watchers.pause(agency.code);
    inCycle.add(agency.code);
    const done = () => {
      inCycle.delete(agency.code);
      watchers.resume(agency.code);
    };
    try {
      const mailbox = await app.ports.openMailbox(agency);
      return { ...mailbox, close: () => mailbox.close().finally(done) };
    } catch (err) {
      done();
      throw err;
    }
  };
  const eligible = (agencies?: readonly HostedAgency[]) =>
    (agencies ?? [...owned.values()]).filter(a => owned.has(a.code) && (failing.get(a.code)?.notBefore ?? 0) <= clock.now().getTime());
  const cycle = cycleRunner(
    { ...app, ports: { ...app.ports, openMailbox } },
    errors => log.error('JOB_FAILED', { job: 'cycle', errors }),
    {
      scope: eligible,
      onReport: (agencies, report) => {
        for (const a of agencies) {
          const failed = report.errors.some(e => e.startsWith(`${a.code}: `));
          if (!failed && !report.intake.some(r => r.agency === a.code)) continue; // no intake in this run
          if (!failed) {
            failing.delete(a.code);
            continue;
          }
          const failures = (failing.get(a.code)?.failures ?? 0) + 1;
          const wait = backoffMs(failures, random(), 5_000, 10 * 60_000);
          failing.set(a.code, { failures, notBefore: clock.now().getTime() + wait });
          log.warn('MAILBOX_BACKOFF', { agency: a.code, failures, waitMs: wait });
        }
      },
    },
  );

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
    await cycle({ only: [] }); // the cycle running now finishes (its mailbox is released) before we retire
    await heartbeat.stop(true);
    await http?.close();
  };
}
