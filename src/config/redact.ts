import type { Config } from './schema.js';

const SECRET_KEYS = new Set(['imapPassword', 'smtpPassword', 'certificatePassword']);

/** The effective config for `config show`: resolved secrets replaced by a marker. */
export function redactConfig(cfg: Config): unknown {
  return JSON.parse(
    JSON.stringify(cfg, (key, value) => (SECRET_KEYS.has(key) ? (value === undefined ? undefined : '[redacted]') : value)),
  );
}
