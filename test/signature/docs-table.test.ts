import test from 'ava';
import fs from 'node:fs';
import { CHANGE_TABLE, PERMISSIONS } from '../../src/signature/change-table.js';

// docs/signatures.md §What may change after signing documents the code's table row by row.
const doc = fs.readFileSync('docs/signatures.md', 'utf8');
const section = doc.slice(doc.indexOf('## What may change after signing'), doc.indexOf('## Appearance comparison'));
const cells = (line: string) => line.split('|').slice(1, -1).map(c => c.trim());
/** The body rows of the markdown table whose header starts with `first`. */
function table(first: string): string[][] {
  const lines = section.split('\n');
  const at = lines.findIndex(l => l.startsWith(`| ${first} |`));
  const out: string[][] = [];
  for (let i = at + 2; at >= 0 && lines[i]?.startsWith('| '); i++) out.push(cells(lines[i]!));
  return out;
}

test('every row of the decision table is documented with its class, and nothing else is', t => {
  const rows = table('Role in the signed revision').map(c => `${c[0]} ${c[1] === '*(any other)*' ? '*' : c[1]} ${c[2]}`);
  t.deepEqual(rows, CHANGE_TABLE.map(r => `${r.role} ${r.key} ${r.cls}`));
});

test('the permission table is documented as the code has it', t => {
  const rows = table('Class');
  t.deepEqual(rows, Object.entries(PERMISSIONS).map(([c, p]) => [c, p.P1, p.P2, p.P3, p.approval]));
});
