import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/example.yaml');

test('config/example.yaml is a valid configuration', async t => {
  const cfg = await loadConfig(example, { env: { SOYTE_MAIL_PASSWORD: 'x', SOYTE_P12_PASSWORD: 'y', EDOC_HTTP_PASSWORD: 'z' } });
  t.is(cfg.agencies[0]!.code, '000.00.31.H62');
  t.is(cfg.agencies[0]!.policy.unsigned, 'reference');
  t.true(path.isAbsolute(cfg.storage.blobs));
});
