import type { Config } from './schema.js';

const SECRET_KEYS = new Set(['imapPassword', 'smtpPassword', 'certificatePassword']);

/** The effective config for `config show`: resolved secrets replaced by a marker; the installation id (the database's, not the file's) left out. */
export function redactConfig(cfg: Config): unknown {
  const { installation: _fromTheDatabase, ...fromTheFile } = cfg;
  return JSON.parse(
    JSON.stringify(fromTheFile, (key, value) => (SECRET_KEYS.has(key) ? (value === undefined ? undefined : '[redacted]') : value)),
  );
}
