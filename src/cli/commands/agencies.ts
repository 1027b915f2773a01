import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { listAgencies } from '../../db/agencies.js';
import { BridgeError } from '../../errors.js';
import { describeProblem, DIRECTORY_CSV_COLUMNS, importDirectoryCsv, type DirectoryImport } from '../../directory/import-csv.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `agencies import FILE.csv`: merge a directory CSV (all rows or none). */
export const agenciesImportCommand: Command = {
  path: ['agencies', 'import'],
  summary: 'Import the agency directory from a CSV file (code,name,emails,kind)',
  usage: 'agencies import FILE.csv [--json]',
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    const file = positionals[0]!;
    return withApp(ctx, async app => {
      let result: DirectoryImport;
      try {
        result = await importDirectoryCsv(app.db, file, app.ports.clock.now());
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
          println(ctx.stderr, `error: cannot read ${file} (${code})`);
          return 1;
        }
        throw err;
      }
      if (!result.ok) {
        println(ctx.stderr, `error: ${describeProblem(result.problem, file)}; nothing imported`);
        return 1;
      }
      const { ok: _ok, ...counts } = result;
      if (values.json) printJson(ctx, { file, ...counts });
      else println(ctx.stdout, `imported ${counts.agencies} agencies (${counts.created} new, ${counts.updated} updated, ${counts.addresses} addresses) from ${file}`);
      return 0;
    });
  },
};

/** `agencies list`: every agency we know, hosted ones included. */
export const agenciesListCommand: Command = {
  path: ['agencies', 'list'],
  summary: 'List the agency directory (hosted agencies and correspondents)',
  usage: 'agencies list [--json|--csv]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, csv: { type: 'boolean' } }, strict: true });
    if (values.json && values.csv) throw new BridgeError('USAGE', '--json and --csv exclude each other');
    return withApp(ctx, async app => {
      const rows = await listAgencies(app.db);
      if (values.json) printJson(ctx, rows.map(r => ({ code: r.code, name: r.name, kind: r.kind, emails: r.emails })));
      else if (values.csv) {
        // The import format, so a listing can be edited and imported back; BOM for spreadsheet programs.
        ctx.stdout.write('\ufeff' + stringify([[...DIRECTORY_CSV_COLUMNS], ...rows.map(r => [r.code, r.name, r.emails.join(';'), r.kind])]));
      } else if (rows.length === 0) println(ctx.stdout, 'no agencies');
      else for (const r of rows) println(ctx.stdout, `${r.code}\t${r.kind}\t${r.name}\t${r.emails.join(' ')}`);
      return 0;
    });
  },
};
