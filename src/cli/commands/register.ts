import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { entryAttachments } from '../../db/attachments.js';
import { historyOf } from '../../db/history.js';
import { getEntry, listEntries } from '../../db/register.js';
import { BridgeError } from '../../errors.js';
import { arrivalDay, entryJson, entryRegisterRow, INCOMING_REGISTER_COLUMNS } from '../../register/present.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `register list`: the incoming register of one or all hosted agencies. */
export const registerListCommand: Command = {
  path: ['register', 'list'],
  summary: 'List incoming register entries (sổ văn bản đến)',
  usage: 'register list [--agency CODE] [--year YYYY] [--limit N] [--json|--csv]',
  async run(ctx, argv) {
    const { values } = parseArgs({
      args: argv,
      options: { agency: { type: 'string' }, year: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } },
      strict: true,
    });
    const year = values.year === undefined ? undefined : Number(values.year);
    if (year !== undefined && !Number.isInteger(year)) throw new BridgeError('USAGE', `--year must be a year, not ${values.year}`);
    return withApp(ctx, async app => {
      const rows = await listEntries(app.db, { agencyCode: values.agency, year, limit: values.limit ? Number(values.limit) : undefined });
      if (values.json) printJson(ctx, rows.map(r => entryJson(r)));
      else if (values.csv) {
        // UTF-8 BOM so that spreadsheet programs read the Vietnamese text correctly.
        ctx.stdout.write('\ufeff' + stringify([['Cơ quan', 'Năm', ...INCOMING_REGISTER_COLUMNS], ...rows.map(r => [r.agency_code, String(r.year), ...entryRegisterRow(r)])]));
      } else {
        if (rows.length === 0) println(ctx.stdout, 'no entries');
        for (const r of rows) {
          println(ctx.stdout, `${r.agency_code} ${r.year}/${String(r.arrival_number).padStart(4)}  ${arrivalDay(r)}  ${(r.number_notation ?? '?').padEnd(16)} ${r.issuer_name ?? r.issuer_code ?? '?'} – ${r.summary ?? ''} [${r.status}, ${r.signature_verdict}]`);
        }
      }
      return 0;
    });
  },
};

/** `register show ID`: one entry with its attachments, signature verdicts and history. */
export const registerShowCommand: Command = {
  path: ['register', 'show'],
  summary: 'Show one register entry with attachments, signatures and history',
  usage: 'register show ID [--json]',
  async run(ctx, argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const id = Number(positionals[0]);
    if (!Number.isInteger(id)) throw new BridgeError('USAGE', 'register show needs an entry id');
    return withApp(ctx, async app => {
      const entry = await getEntry(app.db, id);
      if (!entry) throw new BridgeError('NOT_FOUND', `no register entry ${id}`);
      const files = await entryAttachments(app.db, id);
      const history = await historyOf(app.db, 'entry', id);
      if (entry.scan_sha256) files.unshift({ name: entry.scan_name ?? 'scan.pdf', contentType: 'application/pdf', size: (await app.ports.blobs.get(entry.scan_sha256)).length, sha256: entry.scan_sha256, pages: null, signatureVerdict: entry.signature_verdict, reasons: [], signatureSummary: null });
      const shown = entryJson(entry, files, history);
      if (values.json) printJson(ctx, shown);
      else {
        for (const [k, v] of Object.entries(shown)) {
          if (k === 'attachments' || k === 'history') continue;
          println(ctx.stdout, `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')}`);
        }
        for (const a of shown.attachments) println(ctx.stdout, `attachment: ${a.name} (${a.size} B, ${a.pages ?? '-'} pages, sha256 ${a.sha256}, signature ${a.signatureVerdict ?? '-'})`);
        for (const h of shown.history) println(ctx.stdout, `history: ${h.at} ${h.from ?? '∅'} → ${h.to}${h.code ? ' (' + h.code + ')' : ''}${h.note ? ' ' + h.note : ''}`);
      }
      return 0;
    });
  },
};
