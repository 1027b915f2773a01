import { parseArgs } from 'node:util';
import { migrate, openDb } from '../../db/connect.js';
import { readSecret } from '../../config/load.js';
import { println, type Command } from '../command.js';

/** `db migrate`: apply pending migrations. */
export const dbMigrateCommand: Command = {
  path: ['db', 'migrate'],
  summary: 'Apply pending database migrations',
  usage: 'db migrate',
  async run(ctx, argv) {
    parseArgs({ args: argv, options: {}, strict: true });
    const config = await ctx.loadConfig();
    const d = config.storage.database;
    const db = openDb(d, { password: d.passwordEnv ? readSecret(d.passwordEnv, 'storage.database.passwordEnv', ctx.env) : undefined });
    try {
      const applied = await migrate(db);
      println(ctx.stdout, applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    } finally {
      await db.destroy();
    }
  },
};
