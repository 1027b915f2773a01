import test from 'ava';
import { vnMailDate } from '../../src/domain/vn-time.js';

test('Date: is written in Vietnam time (+0700) and names the same instant', t => {
  const at = new Date('2026-12-01T19:05:09Z');
  const s = vnMailDate(at);
  t.is(s, 'Wed, 02 Dec 2026 02:05:09 +0700', 'past midnight local: the next day');
  t.is(new Date(s).getTime(), at.getTime());
  t.regex(vnMailDate(new Date('2026-01-05T00:00:00Z')), /^Mon, 05 Jan 2026 07:00:00 \+0700$/);
});
