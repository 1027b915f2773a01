import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { BridgeError } from '../../errors.js';
import { halfYearLines, halfYearReport } from '../../register/half-year-report.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

/** `report half-year`: the six-monthly report of QĐ 1123 Art. 24 for one hosted agency. */
export const reportHalfYearCommand: Command = {
  path: ['report', 'half-year'],
  summary: 'The six-monthly report on electronic exchange (QĐ 1123 Art. 24) for one agency',
  usage: 'report half-year --agency CODE --year YYYY --half 1|2 [--json|--csv]',
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { agency: { type: 'string' }, year: { type: 'string' }, half: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } }, strict: true });
    const year = Number(values.year);
    const half = Number(values.half);
    if (!values.agency || !Number.isInteger(year) || (half !== 1 && half !== 2)) throw new BridgeError('USAGE', `usage: edoc-bridge ${this.usage}`);
    return withApp(ctx, async app => {
      if (!app.config.agencies.some(a => a.code === values.agency)) throw new BridgeError('USAGE', `no hosted agency ${values.agency}`);
      const r = await halfYearReport(app.db, values.agency!, year, half as 1 | 2);
      if (values.json) printJson(ctx, r);
      else if (values.csv) {
        const rows = [
          ['Chỉ tiêu', 'Số lượng'],
          ['Văn bản đến đã vào sổ', r.incoming.registered],
          ['- có giá trị pháp lý', r.incoming.legal],
          ['- tham khảo', r.incoming.reference],
          ['- văn bản giấy', r.incoming.paper],
          ['- bị thu hồi', r.incoming.cancelled],
          ['Văn bản đến bị từ chối', r.incoming.refused],
          ['Thư phải cách ly', r.incoming.quarantined],
          ['Văn bản đi đã đăng ký', r.outgoing.documents],
          ...r.outgoing.recipients.map(x => [`- nơi nhận ${x.status}`, x.count]),
        ];
        ctx.stdout.write('\ufeff' + stringify(rows));
      } else for (const line of halfYearLines(r)) println(ctx.stdout, line);
      return 0;
    });
  },
};
