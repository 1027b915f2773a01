/**
 * qmail (qmail-send): "Hi. This is the qmail-send program at …", then `<address>:` and the remote
 * reply on the following lines. qmail sends no delay warnings: every notice is a failure.
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const qmail: Recogniser = {
  id: 'qmail',
  family: 'qmail',
  match: v => /Hi\. This is the qmail-send program/u.test(v.text),
  recipients: v => scan(v.text, new RegExp(String.raw`^<(${ADDR})>:[ \t]*\n?([\s\S]*?)(?=\n[ \t]*\n|\n<[^<>\s]+@|(?![\s\S]))`, 'gmu')),
  delayed: () => false,
};
