import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { URGENCY_LABEL, type Urgency } from '../../domain/document/index.js';
import { BridgeError } from '../../errors.js';
import { registerPaperDocument } from '../../inbound/register-paper.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `register add`: enter a scanned paper document in the incoming register (same series as e-mail). */
export const registerAddCommand: Command = {
  path: ['register', 'add'],
  summary: 'Enter a scanned paper document in the incoming register (same number series)',
  usage:
    'register add --agency CODE --file SCAN.pdf [--issuer-code C] [--issuer-name N] [--number-notation 12/QĐ-UBND] [--date YYYY-MM-DD] ' +
    '[--type T] [--summary S] [--signer-position P] [--signer-name N] [--urgency normal|khan|thuong-khan|hoa-toc] [--due YYYY-MM-DD] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        agency: { type: 'string' },
        file: { type: 'string' },
        'issuer-code': { type: 'string' },
        'issuer-name': { type: 'string' },
        'number-notation': { type: 'string' },
        date: { type: 'string' },
        type: { type: 'string' },
        summary: { type: 'string' },
        'signer-position': { type: 'string' },
        'signer-name': { type: 'string' },
        urgency: { type: 'string' },
        due: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    });
    if (!values.agency || !values.file) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    for (const key of ['date', 'due'] as const) {
      if (values[key] && !/^\d{4}-\d{2}-\d{2}$/.test(values[key]!)) throw new BridgeError('USAGE', `--${key} must be YYYY-MM-DD`);
    }
    if (values.urgency && !(values.urgency in URGENCY_LABEL)) throw new BridgeError('USAGE', `--urgency must be one of ${Object.keys(URGENCY_LABEL).join(', ')}`);
    const file = path.resolve(ctx.cwd, values.file);
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch (cause) {
      throw new BridgeError('USAGE', `cannot read ${file}`, { cause });
    }
    return withApp(ctx, async app => {
      const agency = app.config.agencies.find(a => a.code === values.agency);
      if (!agency) throw new BridgeError('USAGE', `no hosted agency ${values.agency}`);
      const nfc = (v?: string) => v?.normalize('NFC');
      const result = await registerPaperDocument(app, agency, { name: path.basename(file).normalize('NFC'), content }, {
        issuerCode: values['issuer-code'],
        issuerName: nfc(values['issuer-name']),
        numberNotation: nfc(values['number-notation']),
        date: values.date,
        type: nfc(values.type),
        summary: nfc(values.summary),
        signerPosition: nfc(values['signer-position']),
        signerName: nfc(values['signer-name']),
        urgency: values.urgency as Urgency | undefined,
        dueDate: values.due,
      });
      if (values.json) printJson(ctx, result);
      else {
        println(ctx.stdout, `registered as arrival number ${result.arrivalNumber}/${result.year} (entry ${result.entryId}, scan signature ${result.signatureVerdict})`);
        if (result.missing.length) println(ctx.stdout, `to complete: ${result.missing.join(', ')}`);
        if (result.warnings.length) println(ctx.stdout, `warnings: ${result.warnings.join(', ')}`);
      }
      return 0;
    });
  },
};
