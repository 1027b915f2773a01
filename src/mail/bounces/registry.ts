/**
 * THE list of bounce recognisers, in the order they are tried (docs/mail.md §Recognisers). Families
 * whose notices reuse another family's wording come before it: GMX, 1&1, Zoho and MXLogic open like
 * Exim; Amazon's notices may carry an RFC 3464 part. `generic` is always last.
 */
import { amazonSes, amazonWorkmail } from './amazon.js';
import { dma } from './dma.js';
import { exchange } from './exchange.js';
import { exim } from './exim.js';
import { frenchIsp } from './french-isp.js';
import { generic } from './generic.js';
import { gmail } from './gmail.js';
import { gmailClassic } from './gmail-classic.js';
import { gmx } from './gmx.js';
import { mailfoundry } from './mailfoundry.js';
import { mailmarshal } from './mailmarshal.js';
import { mfilter } from './mfilter.js';
import { mxlogic } from './mxlogic.js';
import { oneAndOne } from './one-and-one.js';
import { opensmtpd } from './opensmtpd.js';
import { postfix } from './postfix.js';
import { qmail } from './qmail.js';
import { sendmail } from './sendmail.js';
import { trendMicro } from './trend-micro.js';
import type { BounceView, Recogniser } from './types.js';
import { zoho } from './zoho.js';

/** Every recogniser, most specific first; the first whose `match` holds and that finds a recipient wins. */
export const RECOGNISERS: readonly Recogniser[] = [
  amazonWorkmail,
  amazonSes,
  dma,
  mfilter,
  opensmtpd,
  trendMicro,
  mailfoundry,
  mailmarshal,
  mxlogic,
  zoho,
  gmx,
  oneAndOne,
  gmail,
  gmailClassic,
  postfix,
  qmail,
  sendmail,
  exchange,
  exim,
  frenchIsp,
  generic,
];

/** The recognisers whose `match` holds for this mail, in order. */
export function matchingRecognisers(v: BounceView): Recogniser[] {
  return RECOGNISERS.filter(r => r.match(v));
}
