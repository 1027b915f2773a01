/**
 * Every bounce fixture (test/fixtures/bounces, written by us from each family's documented or observed
 * layout, plus the earlier DSN and bounce fixtures of test/fixtures/eml) through `inspect`: kind,
 * recogniser, and per recipient the address, action and status. The share of statuses right is
 * printed; the target is ≥ 95 % (docs/mail.md §Bounces and delivery reports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import test from 'ava';
import { inspectMail } from '../../src/mail/inspect.js';
import { RECOGNISERS } from '../../src/mail/bounces/registry.js';

const BOUNCES = new URL('../fixtures/bounces/', import.meta.url);
const EML = new URL('../fixtures/eml/', import.meta.url);

type Row = {
  kind: 'delivery-report' | 'unknown';
  recogniser?: string;
  source?: 'rfc3464';
  recipients?: Array<[address: string, action: string, status: string]>;
  /** The report gives no words at all (a bare DSN without Diagnostic-Code). */
  wordless?: true;
};

/** File → what `inspect` must say. A `source: 'rfc3464'` row was read from the DSN part. */
const TABLE: Record<string, Row> = {
  // DragonFly Mail Agent
  'dma-user-unknown.eml': { kind: 'delivery-report', recogniser: 'dma', recipients: [['vanthu@xa.example.vn', 'failed', '5.1.1']] },
  'dma-host-not-found.eml': { kind: 'delivery-report', recogniser: 'dma', recipients: [['hanhchinh@huyen-cu.example.vn', 'failed', '5.1.2']] },
  // Amazon SES and WorkMail
  'amazon-ses-legacy-user-unknown.eml': { kind: 'delivery-report', recogniser: 'amazon-ses', recipients: [['lienhe@doanhnghiep.example.vn', 'failed', '5.1.1']] },
  'amazon-ses-dsn-generic-status.eml': { kind: 'delivery-report', recogniser: 'amazon-ses', source: 'rfc3464', recipients: [['ketoan@congty.example.vn', 'failed', '5.1.1']] },
  'amazon-workmail-dsn-no-status.eml': { kind: 'delivery-report', recogniser: 'amazon-workmail', source: 'rfc3464', recipients: [['giamdoc@vanphong.example.vn', 'failed', '5.2.2']] },
  'amazon-workmail-text-mailbox-full.eml': { kind: 'delivery-report', recogniser: 'amazon-workmail', recipients: [['truongphong@vanphong.example.vn', 'failed', '5.2.2']] },
  // GMX / WEB.DE, 1&1
  'gmx-user-unknown.eml': { kind: 'delivery-report', recogniser: 'gmx', recipients: [['lanhsu.berlin@botschaft.example.de', 'failed', '5.1.1']] },
  'gmx-quota.eml': { kind: 'delivery-report', recogniser: 'gmx', recipients: [['hoctap.duc@example.de', 'failed', '5.2.2']] },
  'gmx-delayed.eml': { kind: 'delivery-report', recogniser: 'gmx', recipients: [['vanphong@hoi.example.de', 'delayed', '4.4.1']] },
  'one-and-one-user-unknown.eml': { kind: 'delivery-report', recogniser: 'one-and-one', recipients: [['info@handelskammer.example.de', 'failed', '5.1.1']] },
  'one-and-one-too-large.eml': { kind: 'delivery-report', recogniser: 'one-and-one', recipients: [['partner@stadtwerk.example.de', 'failed', '5.3.4']] },
  // Zoho
  'zoho-invalid-address.eml': { kind: 'delivery-report', recogniser: 'zoho', recipients: [['vanthu.tinh@hopdong.example.vn', 'failed', '5.1.1']] },
  'zoho-delayed.eml': { kind: 'delivery-report', recogniser: 'zoho', recipients: [['lanhdao@tinhuy.example.vn', 'delayed', '4.4.1']] },
  // MXLogic
  'mxlogic-user-unknown.eml': { kind: 'delivery-report', recogniser: 'mxlogic', recipients: [['dautu@quanly.example.vn', 'failed', '5.1.1']] },
  'mxlogic-retry-timeout.eml': { kind: 'delivery-report', recogniser: 'mxlogic', recipients: [['baocao@thongke.example.vn', 'failed', '5.4.7']] },
  // m-FILTER
  'mfilter-user-unknown.eml': { kind: 'delivery-report', recogniser: 'mfilter', recipients: [['kokusai@shimai.example.jp', 'failed', '5.1.1']] },
  'mfilter-domain-not-found.eml': { kind: 'delivery-report', recogniser: 'mfilter', recipients: [['soumu@kyu-shi.example.jp', 'failed', '5.1.2']] },
  // OpenSMTPD
  'opensmtpd-error.eml': { kind: 'delivery-report', recogniser: 'opensmtpd', recipients: [['hoptac@quocte.example.vn', 'failed', '5.1.1']] },
  'opensmtpd-delay.eml': { kind: 'delivery-report', recogniser: 'opensmtpd', recipients: [['vanthu@dao.example.vn', 'delayed', '4.4.7']] },
  // Trend Micro
  'trend-micro-user-unknown.eml': { kind: 'delivery-report', recogniser: 'trend-micro', recipients: [['phongtcd@so.example.vn', 'failed', '5.1.1']] },
  'trend-micro-mailbox-full.eml': { kind: 'delivery-report', recogniser: 'trend-micro', recipients: [['giamdoc@so.example.vn', 'failed', '5.2.2']] },
  // MailFoundry
  'mailfoundry-no-such-user.eml': { kind: 'delivery-report', recogniser: 'mailfoundry', recipients: [['khoanoi@benhvien.example.vn', 'failed', '5.1.1']] },
  'mailfoundry-too-large.eml': { kind: 'delivery-report', recogniser: 'mailfoundry', recipients: [['tonghop@benhvien.example.vn', 'failed', '5.3.4']] },
  // MailMarshal
  'mailmarshal-user-unknown.eml': { kind: 'delivery-report', recogniser: 'mailmarshal', recipients: [['hieutruong@truong.example.vn', 'failed', '5.1.1'], ['hieupho@truong.example.vn', 'failed', '5.1.1']] },
  'mailmarshal-policy.eml': { kind: 'delivery-report', recogniser: 'mailmarshal', recipients: [['phonghanhchinh@truong.example.vn', 'failed', '5.7.1']] },
  // Postfix (delay notice without its DSN part; a spam rejection in words)
  'postfix-delay-text.eml': { kind: 'delivery-report', recogniser: 'postfix', recipients: [['vanthu@huyen-xa.example.vn', 'delayed', '4.4.1']] },
  'postfix-bounce-spam.eml': { kind: 'delivery-report', recogniser: 'postfix', recipients: [['tiepdan@ubnd-phuong.example.vn', 'failed', '5.7.1']] },
  // Sendmail
  'sendmail-user-unknown.eml': { kind: 'delivery-report', recogniser: 'sendmail', recipients: [['phongkhcn@so.example.vn', 'failed', '5.1.1']] },
  'sendmail-delay.eml': { kind: 'delivery-report', recogniser: 'sendmail', recipients: [['vanthu@xa-bien.example.vn', 'delayed', '4.4.1']] },
  // Gmail (current wording) and Google-hosted mail (earlier wording)
  'gmail-delivery-incomplete.eml': { kind: 'delivery-report', recogniser: 'gmail', recipients: [['vanthu@thixa.example.vn', 'delayed', '4.4.1']] },
  'gmail-blocked.eml': { kind: 'delivery-report', recogniser: 'gmail', recipients: [['hotro.doanhnghiep@gmail.com', 'failed', '5.7.0']] },
  'google-hosted-permanent.eml': { kind: 'delivery-report', recogniser: 'gmail-classic', recipients: [['lienket@truonghoc.example.vn', 'failed', '5.1.1']] },
  'google-hosted-dns.eml': { kind: 'delivery-report', recogniser: 'gmail-classic', recipients: [['vanthu@xa-sapnhap.example.vn', 'failed', '5.1.2']] },
  'google-hosted-delay.eml': { kind: 'delivery-report', recogniser: 'gmail-classic', recipients: [['ketoan@ban-qlda.example.vn', 'delayed', '4.4.3']] },
  // French wording
  'french-orange-mailbox-full.eml': { kind: 'delivery-report', recogniser: 'french-isp', recipients: [['jumelage.mairie@example.fr', 'failed', '5.2.2']] },
  'french-free-unknown.eml': { kind: 'delivery-report', recogniser: 'french-isp', recipients: [['cooperation@region.example.fr', 'failed', '5.1.1']] },
  'french-sfr-delayed.eml': { kind: 'delivery-report', recogniser: 'french-isp', recipients: [['universite@campus.example.fr', 'delayed', '4.4.1']] },
  // Exim, qmail, Exchange beyond the first fixtures
  'exim-unrouteable.eml': { kind: 'delivery-report', recogniser: 'exim', recipients: [['vanthu@xa-moi.example.vn', 'failed', '5.4.4']] },
  'qmail-host-not-found.eml': { kind: 'delivery-report', recogniser: 'qmail', recipients: [['vanthu@xa-cu.example.vn', 'failed', '5.1.2']] },
  'exchange-delayed.eml': { kind: 'delivery-report', recogniser: 'exchange', recipients: [['vukehoach@bo.example.gov.vn', 'delayed', '4.4.0']] },
  // RFC 3464 parts whose code is only in Diagnostic-Code, or nowhere
  'rfc3464-diagnostic-only.eml': { kind: 'delivery-report', recogniser: 'rfc3464', source: 'rfc3464', recipients: [['banbientap@cong.example.vn', 'failed', '5.1.1']] },
  'rfc3464-generic-status.eml': { kind: 'delivery-report', recogniser: 'rfc3464', source: 'rfc3464', recipients: [['toasoan@cong.example.vn', 'failed', '5.2.2']] },
  'rfc3464-diagnostic-words.eml': { kind: 'delivery-report', recogniser: 'rfc3464', source: 'rfc3464', recipients: [['vienpho@vien.example.vn', 'failed', '5.1.1']] },
  'rfc3464-delayed-bare.eml': { kind: 'delivery-report', recogniser: 'rfc3464', source: 'rfc3464', recipients: [['phongvien@cong.example.vn', 'delayed', '4.4.7']], wordless: true },
  // No family: the shared layout, and X-Failed-Recipients with words only
  'generic-could-not-deliver.eml': { kind: 'delivery-report', recogniser: 'generic', recipients: [['kinhdoanh@cty.example.vn', 'failed', '5.0.0']] },
  'generic-x-failed-recipients.eml': { kind: 'delivery-report', recogniser: 'generic', recipients: [['nhansu@cty.example.vn', 'failed', '5.2.2']] },
  // The first fixtures (test/fixtures/eml), kept.
  'eml/dsn-postfix-5.1.1.eml': { kind: 'delivery-report', recogniser: 'postfix', source: 'rfc3464', recipients: [['nohope@snv.vinhlong.gov.vn', 'failed', '5.1.1']] },
  'eml/dsn-postfix-delay.eml': { kind: 'delivery-report', recogniser: 'postfix', source: 'rfc3464', recipients: [['vanthu@longho.vinhlong.gov.vn', 'delayed', '4.4.1']] },
  'eml/dsn-global.eml': { kind: 'delivery-report', source: 'rfc3464', recipients: [['vănthư@phường1.example.vn', 'failed', '5.1.1']] },
  'eml/bounce-qmail.eml': { kind: 'delivery-report', recogniser: 'qmail', recipients: [['khongco@tinh.example.vn', 'failed', '5.1.1']] },
  'eml/bounce-exim.eml': { kind: 'delivery-report', recogniser: 'exim', recipients: [['vanthu@xa.huyen.example.vn', 'failed', '5.1.1']] },
  'eml/bounce-exchange.eml': { kind: 'delivery-report', recogniser: 'exchange', recipients: [['vanthu.cu@bo.example.gov.vn', 'failed', '5.1.10']] },
  'eml/bounce-gmail.eml': { kind: 'delivery-report', recogniser: 'gmail', recipients: [['vanthu.xa.tanhoa@gmail.com', 'failed', '5.1.1']] },
  // A newsletter is not a bounce and not an auto-reply.
  'eml/unknown-newsletter-list.eml': { kind: 'unknown' },
};

function read(name: string): Buffer {
  return readFileSync(name.startsWith('eml/') ? new URL(name.slice(4), EML) : new URL(name, BOUNCES));
}

test('every file of test/fixtures/bounces is in the table', t => {
  const files = readdirSync(BOUNCES).filter(n => n.endsWith('.eml')).sort();
  t.deepEqual(files, Object.keys(TABLE).filter(n => !n.startsWith('eml/')).sort());
});

test('every recogniser has fixtures of its family', t => {
  const used = new Set(Object.values(TABLE).map(r => r.recogniser));
  t.deepEqual(RECOGNISERS.map(r => r.id).filter(id => !used.has(id)), []);
});

for (const [name, row] of Object.entries(TABLE)) {
  test(`${name}: ${row.kind}${row.recogniser ? ` by ${row.recogniser}` : ''}`, async t => {
    const r = await inspectMail(read(name));
    t.is<string, string>(r.kind, row.kind);
    if (row.kind !== 'delivery-report') {
      t.is(r.deliveryReport, undefined);
      return;
    }
    const dr = r.deliveryReport!;
    if (row.recogniser) t.is(dr.recogniser, row.recogniser);
    t.is(dr.source === 'rfc3464', row.source === 'rfc3464', `source ${dr.source}`);
    t.deepEqual(dr.recipients.map(x => [x.address, x.action, x.status]), row.recipients);
    for (const x of dr.recipients) t.is(!!x.diagnostic, !row.wordless, `${x.address}: the words that explain the status`);
  });
}

test('share of statuses right over all bounce fixtures (target ≥ 95 %)', async t => {
  let right = 0;
  let total = 0;
  const wrong: string[] = [];
  for (const [name, row] of Object.entries(TABLE)) {
    if (!row.recipients) continue;
    const got = (await inspectMail(read(name))).deliveryReport?.recipients ?? [];
    for (const [address, , status] of row.recipients) {
      total++;
      const g = got.find(x => x.address === address);
      if (g?.status === status) right++;
      else wrong.push(`${name} ${address}: ${g?.status ?? 'missing'} ≠ ${status}`);
    }
  }
  const share = right / total;
  t.log(`statuses right: ${right} of ${total} (${(share * 100).toFixed(1)} %)${wrong.length ? `; wrong: ${wrong.join('; ')}` : ''}`);
  t.true(total >= 50, 'enough recipients to speak of a share');
  t.true(share >= 0.95, wrong.join('\n'));
});
