import { openApp, type App } from '../app.js';
import type { CliContext } from './command.js';

/** Load the config, open the app, run `fn`, always close the database. */
export async function withApp<T>(ctx: CliContext, fn: (app: App) => Promise<T>): Promise<T> {
  const config = await ctx.loadConfig();
  const app = await openApp(config, { env: ctx.env });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
