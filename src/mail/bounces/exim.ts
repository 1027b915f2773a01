/**
 * Exim: "This message was created automatically by mail delivery software." then the failed
 * addresses indented by two spaces, each followed by its reason indented further. Delay warnings
 * ("Warning: message … delayed …") say the message "has not yet been delivered".
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const exim: Recogniser = {
  id: 'exim',
  family: 'Exim',
  match: v => /This message was created automatically by mail delivery software/iu.test(v.text),
  recipients: v =>
    scan(v.text, new RegExp(String.raw`^[ \t]{2}<?(${ADDR})>?(?:[ \t]*<[^>]*>)?:?[ \t]*\n((?:[ \t]{3,}.*(?:\n|$))*)`, 'gmu')),
};
