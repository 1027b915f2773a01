/**
 * The last resort: a notice from a mail system whose family no other recogniser knows, that still
 * says a message "could not be delivered" and names the address as `<a>: reason` (the layout most
 * MTAs share with Postfix and qmail). X-Failed-Recipients is read for every family (delivery-report.ts).
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

/** Wording of a non-delivery notice in general. */
export const GENERIC_WORDING = /(?:could not be delivered|couldn't be delivered|was not delivered|delivery to the following recipients? (?:failed|was unsuccessful)|permanent (?:fatal )?error|undeliverable|not be delivered to one or more)/iu;

export const generic: Recogniser = {
  id: 'generic',
  family: 'Any other mail system',
  match: v => GENERIC_WORDING.test(v.text),
  recipients: v => scan(v.text, new RegExp(String.raw`^[ \t]*<(${ADDR})>:?[ \t]*\n?([\s\S]*?)(?=\n[ \t]*\n|\n[ \t]*<[^<>\s]+@|(?![\s\S]))`, 'gmu')),
};
