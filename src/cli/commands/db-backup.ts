import path from 'node:path';
import { parseArgs } from 'node:util';
import { backupUnsupported, defaultBackupDir, runBackup } from '../../db/backup.js';
import { systemClock } from '../../io/clock.js';
import { printJson, println, type Command } from '../command.js';

/** `db backup`: a consistent copy of the database and the blob store while the service runs. */
export const dbBackupCommand: Command = {
  path: ['db', 'backup'],
  summary: 'Back up the database (SQLite VACUUM INTO, PostgreSQL pg_dump) and the blob store, online',
  usage: 'db backup [--to DIR] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { to: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    const config = await ctx.loadConfig();
    const why = backupUnsupported(config);
    if (why) {
      println(ctx.stderr, `error: ${why}`);
      return 1;
    }
    // No openApp: a backup must not migrate or otherwise write the database it copies.
    const dir = values.to ? path.resolve(ctx.cwd, values.to) : defaultBackupDir(config);
    const m = await runBackup(config, dir, systemClock.now(), ctx.env);
    if (values.json) printJson(ctx, { dir, ...m });
    else {
      println(ctx.stdout, `database: ${path.join(dir, m.database.file)} (${m.database.bytes} B, sha256 ${m.database.sha256})`);
      println(ctx.stdout, `blobs: ${path.join(dir, m.blobs.dir)} (${m.blobs.files} files, ${m.blobs.bytes} B; ${m.blobs.linked} linked, ${m.blobs.copied} copied, ${m.blobs.alreadyPresent} already there)`);
      println(ctx.stdout, `manifest: ${path.join(dir, 'manifest.json')}`);
    }
    if (m.referenced.missing.length === 0) return 0;
    println(ctx.stderr, `error: backup written, but ${m.referenced.missing.length} blob(s) named by the database are missing from the store (see referenced.missing in the manifest), e.g. ${m.referenced.missing[0]}`);
    return 1;
  },
};
