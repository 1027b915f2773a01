import test from 'ava';
import { parseSubject, type SubjectInfo } from '../../src/mail/subject.js';

const cases: Array<[string, Partial<SubjectInfo>]> = [
  ['[VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc phê duyệt kế hoạch', { ours: 'document', numberNotation: '12/QĐ-UBND', date: '2019-05-15', summary: 'Về việc phê duyệt kế hoạch', typeName: 'Quyết định', urgency: null }],
  ['[HỎA TỐC] [VBĐT] 15/CĐ-UBND ngày 03/07/2019: Về việc ứng phó bão', { ours: 'document', urgency: 'hoa-toc', numberNotation: '15/CĐ-UBND', date: '2019-07-03' }],
  ['[THƯỢNG KHẨN] [VBĐT] 05/SNV-VP ngày 02/01/2020: V/v kỷ luật', { urgency: 'thuong-khan', numberNotation: '05/SNV-VP', typeName: null }],
  ['[KHẨN] Công văn 05/SNV-VP', { urgency: 'khan', numberNotation: '05/SNV-VP', typeName: 'Công văn' }],
  ['[MẬT] Báo cáo 20/BC-CAT', { secrecy: 'mat', numberNotation: '20/BC-CAT', typeName: 'Báo cáo' }],
  ['[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND', { ours: 'status', statusCode: '03', numberNotation: '12/QĐ-UBND' }],
  ['Re: [VBĐT-TT] 13 Yêu cầu thu hồi: 12/QĐ-UBND', { ours: 'status', statusCode: '13', isReply: true }],
  ['Công văn số 12/UBND-VP về việc tăng cường quản lý', { ours: null, numberNotation: '12/UBND-VP', typeName: 'Công văn', summary: 'tăng cường quản lý' }],
  ['Fwd: QUYẾT ĐỊNH 07/2019/QĐ-UBND ngày 15/5/2019: Ban hành quy chế', { isForward: true, numberNotation: '07/2019/QĐ-UBND', date: '2019-05-15', typeName: 'Quyết định', summary: 'Ban hành quy chế' }],
  ['TR: Gửi Kế hoạch 3/KH-UBND V/v tổ chức hội nghị', { isForward: true, numberNotation: '03/KH-UBND', typeName: 'Kế hoạch', summary: 'tổ chức hội nghị' }],
  ['Trả lời: Re: Fwd: Giấy mời họp', { isReply: true, isForward: true, typeName: 'Giấy mời', numberNotation: null }],
  ['HỎA TỐC - Công văn 12/UBND-VP về việc phòng chống bão', { urgency: 'hoa-toc', numberNotation: '12/UBND-VP', typeName: 'Công văn', summary: 'phòng chống bão' }],
  ['KHẨN: Giấy mời họp', { urgency: 'khan', typeName: 'Giấy mời' }],
  ['Khẩn trương báo cáo', { urgency: null }],
  ['Bản tin tháng 5', { ours: null, numberNotation: null, typeName: null, date: null, summary: null }],
  ['', { ours: null, numberNotation: null }],
  // Reply prefixes and tags the way other clients write them (the rules once kept by a second parser).
  ['Re: TL: Fwd:  [KHẨN]   [VBĐT]  12/QĐ-UBND  ngày 5/5/2019 :  Về việc X', { ours: 'document', isReply: true, isForward: true, urgency: 'khan', numberNotation: '12/QĐ-UBND', date: '2019-05-05', summary: 'Về việc X' }],
  ['Trả lời: [HOẢ TỐC] [VBĐT] 7/UBND-VP ngày 01/02/2026: Khẩn trương'.normalize('NFD'), { ours: 'document', isReply: true, urgency: 'hoa-toc', numberNotation: '07/UBND-VP', date: '2026-02-01', summary: 'Khẩn trương' }],
  ['RE[2]: [vbđt] Số: 3/TB-SNV ngày 31/12/2025: Thông báo', { ours: 'document', isReply: true, numberNotation: '03/TB-SNV', date: '2025-12-31', summary: 'Thông báo' }],
  ['Chuyển tiếp: [VBDT] 3/TB-SNV ngày 31.12.2025', { ours: 'document', isForward: true, numberNotation: '03/TB-SNV', date: '2025-12-31', summary: null }],
  ['[VBĐT] 12/QĐ-UBND ngày 30/02/2019: bad date', { ours: 'document', numberNotation: '12/QĐ-UBND', date: null }],
  ['[MẬT] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: x', { ours: 'document', secrecy: 'mat', numberNotation: '12/QĐ-UBND' }],
  ['Re: [VBĐT-TT]  02  Từ chối tiếp nhận :  5/SNV-VP'.normalize('NFD'), { ours: 'status', isReply: true, statusCode: '02', numberNotation: '05/SNV-VP' }],
  ['AW: [vbdt-tt] 3 Đã tiếp nhận: (chưa rõ số, ký hiệu)', { ours: 'status', isReply: true, statusCode: '03', numberNotation: null }],
  ['[VBĐT-TT] Đã tiếp nhận: 12/QĐ-UBND', { ours: null, statusCode: null }],
  ['[KHẨN] [VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND', { ours: 'status', urgency: 'khan', statusCode: '03' }],
  ['Re: Fw: Tr: Report: x', { isReply: true, isForward: true, cleaned: 'Report: x' }],
  ['Trả lời:Re(3): Tiếp nhận', { isReply: true, cleaned: 'Tiếp nhận' }],
  ['Antw: Sv: WG: RV: Phản hồi: x', { isReply: true, isForward: true, cleaned: 'x' }],
  ['Retry later', { isReply: false, cleaned: 'Retry later' }],
];
for (const [subject, expected] of cases) {
  test(`subject ${JSON.stringify(subject)}`, t => {
    const s = parseSubject(subject);
    for (const [k, v] of Object.entries(expected)) t.deepEqual(s[k as keyof SubjectInfo], v, k);
  });
}
