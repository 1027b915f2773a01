/**
 * DragonFly Mail Agent (dma, the small MTA of DragonFly BSD and several embedded systems): "This is
 * the DragonFly Mail Agent … at host.", "There was an error delivering your mail to <a>.", then the
 * reason (a remote reply after "did not like our RCPT TO:", or dma's own words such as a DNS
 * failure), then "Original message follows." dma sends no delay warnings.
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const dma: Recogniser = {
  id: 'dma',
  family: 'DragonFly Mail Agent',
  match: v => /This is the DragonFly Mail Agent/iu.test(v.text),
  recipients: v => scan(v.text, new RegExp(String.raw`There was an error delivering your mail to <(${ADDR})>\.?([\s\S]*?)(?=\nThere was an error delivering|$)`, 'giu')),
  delayed: () => false,
};
