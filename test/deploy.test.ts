/**
 * The systemd units of deploy/ stay true to the CLI and to docs/operations.md: every command they
 * run exists, they run as the service account the guide creates, under the configuration it names,
 * and the template unit gives each worker its own configuration.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../src/cli/commands/index.js';

const read = (f: string) => readFileSync(new URL(`../${f}`, import.meta.url), 'utf8');
const guide = read('docs/operations.md');

/** `Key=value` lines of a unit (a key may repeat). */
function directives(unit: string): Array<[string, string]> {
  return unit
    .split('\n')
    .filter(l => /^[A-Za-z]+=/.test(l))
    .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]);
}

for (const file of ['deploy/edoc-bridge.service', 'deploy/edoc-bridge-worker@.service']) {
  test(`${file}: its commands exist, its account and paths are the guide's`, t => {
    const d = directives(read(file));
    const exec = d.filter(([k]) => k === 'ExecStart' || k === 'ExecStartPre').map(([, v]) => v);
    t.true(exec.length >= 2);
    for (const line of exec) {
      const [bin, ...args] = line.split(' ');
      t.is(bin, '/usr/local/bin/edoc-bridge');
      t.true(guide.includes(bin!), 'the guide installs the binary there');
      t.true(COMMANDS.some(c => c.path.join(' ') === args.join(' ')), `edoc-bridge ${args.join(' ')} is a command`);
    }
    const user = d.find(([k]) => k === 'User')?.[1];
    t.truthy(user);
    t.regex(guide, new RegExp(`useradd [^\\n]*${user}\\n`), 'the guide creates the service account');
    const config = d.find(([k, v]) => k === 'Environment' && v.startsWith('EDOC_BRIDGE_CONFIG='))![1].split('=')[1]!;
    t.true(guide.includes(config), `the guide names ${config}`);
    for (const rw of d.filter(([k]) => k === 'ReadWritePaths').map(([, v]) => v)) t.true(guide.includes(rw));
  });
}

test('the template unit gives each instance its own configuration and optional env file', t => {
  const unit = read('deploy/edoc-bridge-worker@.service');
  t.regex(unit, /^Environment=EDOC_BRIDGE_CONFIG=\/etc\/edoc-bridge\/worker-%i\.yaml$/m);
  t.regex(unit, /^EnvironmentFile=-\/etc\/edoc-bridge\/worker-%i\.env$/m);
  t.notRegex(read('deploy/edoc-bridge.service'), /%i/);
});
