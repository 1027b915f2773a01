import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defaultCalendarPath, loadHolidayCalendar, type HolidayCalendar } from '../domain/calendar/index.js';
import { loadSmtpPolicy, type SmtpPolicy } from '../domain/outgoing/smtp-response.js';
import { BridgeError } from '../errors.js';
import { packagePath } from '../paths.js';
import type { Config } from './schema.js';

/*
 * Policy tables kept as files: read here (I/O), parsed by the pure modules of src/domain.
 */

const calendars = new Map<string, HolidayCalendar>();

/** The working-day calendar of this configuration (config.holidays or the packaged table), read once. */
export function calendarFor(config: Pick<Config, 'holidays'>): HolidayCalendar {
  const file = config.holidays ?? defaultCalendarPath();
  let cal = calendars.get(file);
  if (!cal) calendars.set(file, (cal = loadHolidayCalendar(readFileSync(file, 'utf8'))));
  return cal;
}

/** The SMTP reply policy shipped with the package (config/smtp-responses.txt). */
export const SMTP_POLICY_FILE = packagePath('config', 'smtp-responses.txt');

/** Read and parse the SMTP reply policy; a missing or bad file is a configuration error. */
export async function readSmtpPolicy(file = SMTP_POLICY_FILE): Promise<SmtpPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new BridgeError('CONFIG_INVALID', `cannot read the SMTP reply policy ${file}: ${(cause as Error).message}`, { cause });
  }
  return loadSmtpPolicy(text, file);
}
