import type { App } from './app.js';
import { describeError } from './errors.js';
import { runIntakeCycle } from './inbound/pipeline.js';
import { watchMailbox } from './io/imap.js';
import { watchDropFolders } from './outbound/drop-folder.js';
import { startWebServer } from './web/server.js';
import { JOBS } from './schedule/jobs.js';
import { singleFlight, startScheduler } from './schedule/scheduler.js';

/**
 * The long-running service (`edoc-bridge start`): the cron jobs, one IDLE listener per mailbox
 * (its EXISTS triggers that mailbox's intake at once, then the outbox), the drop-folder watchers,
 * and the web app and API (src/web/). Returns a stop function for SIGTERM.
 */
export async function startService(app: App): Promise<() => Promise<void>> {
  const scheduler = startScheduler(app, JOBS);
  const stops: Array<() => Promise<void>> = [];
  for (const agency of app.config.agencies) {
    const intake = singleFlight(app, {
      name: `intake-${agency.code}`,
      run: async () => {
        await runIntakeCycle(app.intakeDeps(), agency);
        await scheduler.trigger('outbox');
      },
    });
    if (agency.imap.idle) {
      stops.push(
        watchMailbox(
          agency,
          agency.folders.inbox,
          () => {
            app.log.debug('IDLE_EXISTS', { agency: agency.code });
            void intake();
          },
          err => app.log.warn('IDLE_ERROR', { agency: agency.code, error: describeError(err) }),
        ),
      );
      app.log.info('IDLE_START', { agency: agency.code });
    }
    void intake(); // mail that arrived while we were down
  }
  // Drop folders: fs.watch submits at once; the cron job scans anyway (a missed event only delays).
  const stopDropFolders = watchDropFolders(app);
  stops.push(async () => stopDropFolders());
  const http = await startWebServer(app);
  app.log.info('SERVICE_START', { agencies: app.config.agencies.map(a => a.code), http: http.url });
  return async () => {
    app.log.info('SERVICE_STOP', {});
    await scheduler.stop();
    for (const s of stops) await s();
    await http.close();
  };
}
