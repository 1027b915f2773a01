import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { redactConfig } from '../../config/redact.js';
import { printJson, type Command } from '../command.js';

/** `config show`: the effective configuration, secrets redacted. */
export const configShowCommand: Command = {
  path: ['config', 'show'],
  summary: 'Print the effective configuration (secrets redacted)',
  usage: 'config show [--json]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
    const shown = redactConfig(await ctx.loadConfig());
    if (values.json) printJson(ctx, shown);
    else ctx.stdout.write(stringify(shown));
    return 0;
  },
};
