/**
 * The one table of reason codes. Names follow ETSI EN 319 102-1 §5.1.3 sub-indications (TOTAL-FAILED
 * → invalid, INDETERMINATE → indeterminate); a few gateway-specific codes are marked as such.
 * Warnings never change a verdict. Vietnamese texts are NFC, for clerks and refusal notices.
 */
export const REASONS = {
  // TOTAL-FAILED (EN 319 102-1 Table 5)
  FORMAT_FAILURE: { verdict: 'invalid', vi: 'Cấu trúc chữ ký hoặc tệp PDF không hợp lệ' },
  HASH_FAILURE: { verdict: 'invalid', vi: 'Nội dung tệp đã bị thay đổi sau khi ký (sai giá trị băm)' },
  SIG_CRYPTO_FAILURE: { verdict: 'invalid', vi: 'Giá trị chữ ký số không đúng' },
  REVOKED: { verdict: 'invalid', vi: 'Chứng thư số đã bị thu hồi trước thời điểm ký' },
  EXPIRED: { verdict: 'invalid', vi: 'Chứng thư số đã hết hạn tại thời điểm ký' },
  NOT_YET_VALID: { verdict: 'invalid', vi: 'Chứng thư số chưa có hiệu lực tại thời điểm ký' },
  // INDETERMINATE
  NO_SIGNING_CERTIFICATE_FOUND: { verdict: 'indeterminate', vi: 'Không xác định được chứng thư số của người ký' },
  NO_CERTIFICATE_CHAIN_FOUND: { verdict: 'indeterminate', vi: 'Chứng thư số không chuỗi được đến tổ chức chứng thực tin cậy' },
  CHAIN_CONSTRAINTS_FAILURE: { verdict: 'indeterminate', vi: 'Chứng thư số không được phép dùng để ký (mục đích sử dụng khóa)' },
  CERTIFICATE_CHAIN_GENERAL_FAILURE: { verdict: 'indeterminate', vi: 'Chuỗi chứng thư số không hợp lệ' },
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE: { verdict: 'indeterminate', vi: 'Thuật toán yếu (SHA-1 hoặc tương đương) không được chấp nhận' },
  OUT_OF_BOUNDS_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số hết hạn hoặc chưa có hiệu lực và không có dấu thời gian chứng minh thời điểm ký' },
  REVOKED_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh đã ký trước đó' },
  REVOKED_CA_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số của tổ chức cấp đã bị thu hồi' },
  TRY_LATER: { verdict: 'indeterminate', vi: 'Không có thông tin về tình trạng thu hồi của chứng thư số' },
  SIG_CONSTRAINTS_FAILURE: { verdict: 'indeterminate', vi: 'Thuộc tính ký không đáp ứng yêu cầu' },
  // Document level (gateway)
  NO_SIGNATURE_FOUND: { verdict: 'unsigned', vi: 'Tệp không có chữ ký số' },
} as const;

/** Warnings (never change the verdict). */
export const WARNINGS = {
  SIGNED_ATTRS_NOT_DER: 'Các thuộc tính ký không được sắp xếp theo DER; đã kiểm tra trên bytes gốc',
  TIMESTAMP_INVALID: 'Dấu thời gian kèm chữ ký không hợp lệ, đã bỏ qua',
  TIMESTAMP_UNTRUSTED: 'Dấu thời gian kèm chữ ký không chuỗi được đến tổ chức tin cậy, đã bỏ qua',
  MODIFIED_COVERED_BY_LATER_SIGNATURE: 'Có chỉnh sửa cho phép (chú thích/điền biểu mẫu) sau khi ký, được chữ ký sau bao phủ',
  ORPHAN_SIGNATURE_DICTIONARY: 'Có từ điển chữ ký không gắn với trường chữ ký nào',
  VISIBLE_SIGNATURE_ADDED: 'Có chữ ký hiển thị được thêm sau khi ký',
  OCSP_UNAVAILABLE: 'Không truy vấn được OCSP',
  CLAIMED_TIME_ONLY: 'Thời điểm ký do người ký tự khai, không có dấu thời gian',
} as const;

/** A reason code of the table. */
export type ReasonCode = keyof typeof REASONS;
/** A warning code of the table. */
export type WarningCode = keyof typeof WARNINGS;

const RANK = { valid: 0, unsigned: 1, indeterminate: 2, invalid: 3 } as const;

/** The worst verdict implied by a list of reason codes (no reasons → valid). */
export function verdictOf(reasons: ReasonCode[]): 'valid' | 'invalid' | 'indeterminate' {
  let v: 'valid' | 'invalid' | 'indeterminate' = 'valid';
  for (const r of reasons) {
    const rv = REASONS[r].verdict;
    if (rv !== 'unsigned' && RANK[rv] > RANK[v]) v = rv;
  }
  return v;
}
