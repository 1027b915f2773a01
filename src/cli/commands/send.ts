import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BridgeError } from '../../errors.js';
import { submitDocument } from '../../outbound/submit.js';
import { parseSubmissionMeta, type SubmissionFile } from '../../outbound/submission.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `send`: register, stamp, seal and queue an outgoing document, one mail per recipient. */
export const sendCommand: Command = {
  path: ['send'],
  summary: 'Register, stamp, seal and queue an outgoing document (one mail per recipient)',
  usage:
    'send --from AGENCY --to CODE|ADDRESS[,…] --file DOC.pdf [--annex F.pdf]… [--meta meta.json | --type T --summary S ' +
    '[--notation N] [--signer-position P] [--signer-name N] [--urgency normal|khan|thuong-khan|hoa-toc] [--due YYYY-MM-DD] [--days N]] [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string', multiple: true },
        file: { type: 'string' },
        annex: { type: 'string', multiple: true },
        meta: { type: 'string' },
        type: { type: 'string' },
        summary: { type: 'string' },
        notation: { type: 'string' },
        'signer-position': { type: 'string' },
        'signer-name': { type: 'string' },
        urgency: { type: 'string' },
        due: { type: 'string' },
        days: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    });
    if (!values.from) throw new BridgeError('USAGE', 'send needs --from AGENCY');
    if (!values.to?.length) throw new BridgeError('USAGE', 'send needs --to CODE[,CODE]');
    if (!values.file) throw new BridgeError('USAGE', 'send needs --file DOC.pdf');
    const rawMeta = values.meta
      ? JSON.parse(await readText(path.resolve(ctx.cwd, values.meta)))
      : {
          type: values.type,
          summary: values.summary,
          notation: values.notation,
          signer: { position: values['signer-position'], name: values['signer-name'] },
          urgency: values.urgency,
          dueDate: values.due,
          processingDays: values.days === undefined ? undefined : Number(values.days),
        };
    const meta = parseSubmissionMeta(rawMeta);
    const files: SubmissionFile[] = [];
    for (const [p, role] of [[values.file, 'main'] as const, ...(values.annex ?? []).map(a => [a, 'annex'] as const)]) {
      const abs = path.resolve(ctx.cwd, p);
      files.push({ name: path.basename(abs).normalize('NFC'), content: await readBytes(abs), role });
    }
    return withApp(ctx, async app => {
      const result = await submitDocument(app, {
        agencyCode: values.from!,
        to: values.to!.flatMap(t => t.split(',')),
        files,
        meta,
        source: 'cli',
      });
      if (values.json) printJson(ctx, result);
      else {
        println(ctx.stdout, `${result.numberNotation} registered as outgoing document ${result.documentId}${result.sealed ? ' (sealed)' : ' (stamped, not sealed: no agency certificate)'}`);
        for (const r of result.recipients) println(ctx.stdout, `  queued for ${r.agencyCode ?? '-'} ${r.address} ${r.messageId}`);
      }
      return 0;
    });
  },
};

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new BridgeError('USAGE', `cannot read ${file}`, { cause });
  }
}

async function readText(file: string): Promise<string> {
  return (await readBytes(file)).toString('utf8');
}
