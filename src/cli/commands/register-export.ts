import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agencyByCode } from '../../db/agencies.js';
import { outgoingRegister } from '../../db/outgoing.js';
import { listEntries } from '../../db/register.js';
import { BridgeError } from '../../errors.js';
import { incomingRegisterTable, outgoingRegisterTable, registerCsv, type RegisterTable } from '../../register/export-csv.js';
import { loadRegisterFonts, registerPdf } from '../../register/export-pdf.js';
import type { App } from '../../app.js';
import { println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

const FORMATS = ['csv', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

/** The register of one hosted agency and year, from the database. */
async function loadTable(app: App, code: string, year: number, outgoing: boolean): Promise<RegisterTable> {
  const hosted = app.config.agencies.find(a => a.code === code);
  const known = await agencyByCode(app.db, code);
  if (!hosted && !known) throw new BridgeError('NOT_FOUND', `no agency ${code}`);
  const agency = { code, name: hosted?.name ?? known!.name, place: hosted?.place };
  if (!outgoing) return incomingRegisterTable(agency, year, await listEntries(app.db, { agencyCode: code, year }));
  const { documents, recipients } = await outgoingRegister(app.db, code, year);
  return outgoingRegisterTable(agency, year, documents, recipients);
}

/** `register export`: the printable register (NĐ 30 Art. 22.3.b: printed, signed for, bound). */
export const registerExportCommand: Command = {
  path: ['register', 'export'],
  summary: 'Export the incoming (or --outgoing) register of one agency and year as CSV or PDF',
  usage: 'register export --agency CODE --year YYYY [--outgoing] --format csv|pdf [--out FILE]',
  async run(ctx, argv) {
    const { values } = parseArgs({
      args: argv,
      options: { agency: { type: 'string' }, year: { type: 'string' }, outgoing: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    });
    if (!values.agency) throw new BridgeError('USAGE', `--agency is required; usage: edoc-bridge ${this.usage}`);
    if (!values.year || !/^\d{4}$/.test(values.year)) throw new BridgeError('USAGE', `--year must be a year such as 2026${values.year ? ', not ' + values.year : ''}`);
    // --format may be left out when --out names a .csv or .pdf file.
    const format = (values.format ?? (values.out ? path.extname(values.out).slice(1).toLowerCase() : undefined)) as Format | undefined;
    if (!format || !FORMATS.includes(format)) throw new BridgeError('USAGE', '--format must be csv or pdf');
    const year = Number(values.year);
    return withApp(ctx, async app => {
      const table = await loadTable(app, values.agency!, year, !!values.outgoing);
      let bytes: Uint8Array;
      let pages: number | undefined;
      if (format === 'csv') bytes = Buffer.from(registerCsv(table), 'utf8');
      else ({ bytes, pages } = await registerPdf(table, await loadRegisterFonts(), { now: app.ports.clock.now() }));
      if (!values.out) {
        ctx.stdout.write(bytes);
        return 0;
      }
      // Written beside the target, then renamed: a reader never sees half a register.
      const out = path.resolve(ctx.cwd, values.out);
      const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(4).toString('hex')}`);
      await writeFile(tmp, bytes);
      await rename(tmp, out);
      println(ctx.stdout, `${out}: ${table.rows.length} ${table.kind === 'outgoing' ? 'outgoing' : 'incoming'} entries of ${table.agency.code} for ${year}${pages ? `, ${pages} pages` : ''}`);
      return 0;
    });
  },
};
