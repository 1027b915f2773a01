import type { Db } from './connect.js';

/**
 * An installation-wide setting, created once: the first process to start writes `make()`'s value,
 * every later one (and every other process) reads that same value.
 */
export async function settingOrCreate(db: Db, key: string, make: () => string): Promise<string> {
  await db('web_settings').insert({ key, value: make() }).onConflict('key').ignore();
  const row: { value: string } = await db('web_settings').where({ key }).first('value');
  return row.value;
}
