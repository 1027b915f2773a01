import type { App } from './app.js';
import { describeError } from './errors.js';
import { watchMailbox } from './io/imap.js';
import { watchDropFolders } from './outbound/drop-folder.js';
import { startWebServer } from './web/server.js';
import { cycleRunner } from './schedule/cycle-runner.js';
import { JOBS } from './schedule/jobs.js';
import { startScheduler } from './schedule/scheduler.js';

/**
 * The long-running service (`edoc-bridge start`): one cycle runner (src/cycle.ts) triggered by the
 * cron jobs and by one IDLE listener per mailbox (its EXISTS asks for that mailbox's intake and the
 * outbox at once), the drop-folder watchers, and the web app and API (src/web/). Returns a stop
 * function for SIGTERM.
 */
export async function startService(app: App): Promise<() => Promise<void>> {
  const { log } = app.ports;
  const cycle = cycleRunner(app, errors => log.error('JOB_FAILED', { job: 'cycle', errors }));
  const scheduler = startScheduler(app, JOBS, cycle);
  const stops: Array<() => Promise<void>> = [];
  for (const agency of app.config.agencies) {
    const intake = () => cycle({ agencies: [agency], only: ['intake', 'outbox', 'record-sends'] });
    if (agency.imap.idle) {
      stops.push(
        watchMailbox(
          agency,
          agency.folders.inbox,
          () => {
            log.debug('IDLE_EXISTS', { agency: agency.code });
            void intake();
          },
          err => log.warn('IDLE_ERROR', { agency: agency.code, error: describeError(err) }),
        ),
      );
      log.info('IDLE_START', { agency: agency.code });
    }
  }
  void cycle(); // mail that arrived while we were down, documents left half-submitted
  // Drop folders: fs.watch submits at once; the send schedule scans anyway (a missed event only delays).
  const stopDropFolders = watchDropFolders(app, () => cycle({ only: ['submissions'] }));
  stops.push(async () => stopDropFolders());
  const http = await startWebServer(app);
  log.info('SERVICE_START', { agencies: app.config.agencies.map(a => a.code), http: http.url });
  return async () => {
    log.info('SERVICE_STOP', {});
    await scheduler.stop();
    for (const s of stops) await s();
    await http.close();
  };
}
