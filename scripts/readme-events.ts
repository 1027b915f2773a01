/** Regenerate the event-code table of README.md from src/events.ts (`node --import tsx scripts/readme-events.ts`). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EVENTS } from '../src/events.js';

const file = path.resolve(import.meta.dirname, '../README.md');
const table = ['| event | meaning |', '|---|---|', ...Object.entries(EVENTS).map(([k, v]) => `| \`${k}\` | ${v} |`)].join('\n');
const text = readFileSync(file, 'utf8').replace(/<!-- events:start -->[\s\S]*<!-- events:end -->/, `<!-- events:start -->\n${table}\n<!-- events:end -->`);
writeFileSync(file, text);
