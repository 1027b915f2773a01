/** The shapes shared by the bounce recognisers (docs/mail.md §Bounces and delivery reports). */
import type { ParsedMail } from '../types.js';

export type DeliveryAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

/** What a recogniser looks at, computed once per mail. */
export type BounceView = {
  mail: ParsedMail;
  /** The bounce's own words: body text up to the returned original, LF line ends, bounded. */
  text: string;
  /** The whole body text, bounded (markers after the bounce's own words live here). */
  full: string;
  /** The subject as received. */
  subject: string;
  /** Sender address, lower-case ('' when none). */
  from: string;
  /** First value of a header (lower-case name), '' when absent. */
  header: (name: string) => string;
};

/** One recipient a recogniser found in the text. */
export type Finding = {
  address: string;
  /** The words about this recipient (the lines after its address, or the paragraph naming it). */
  segment: string;
  /** The reply line the recogniser picked itself; otherwise the resolver picks one from the segment. */
  diagnostic?: string | null;
  /** Set when the recogniser knows better than the notice as a whole (Sendmail's transient section). */
  action?: DeliveryAction;
};

/** One MTA family or wording group. */
export type Recogniser = {
  /** Reported as `deliveryReport.recogniser` by `inspect`. */
  id: string;
  /** Who writes this wording (for docs/mail.md §Recognisers). */
  family: string;
  /** True when the mail is this family's bounce or delay notice. */
  match: (v: BounceView) => boolean;
  /** The recipients and the words about each. */
  recipients: (v: BounceView) => Finding[];
  /** True when the notice is a delay warning (the message is still queued); default: the shared delay wording. */
  delayed?: (v: BounceView) => boolean;
};
