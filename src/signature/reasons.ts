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
  // CRYPTO_CONSTRAINTS_FAILURE_NO_POE of EN 319 102-1, split by what is weak (checked only once the
  // signature is known to be intact: a tampered SHA-1 file is HASH_FAILURE, docs/signatures.md §Verdict order).
  WEAK_HASH_ALGORITHM: { verdict: 'indeterminate', vi: 'Chữ ký còn nguyên vẹn nhưng dùng hàm băm yếu (SHA-1 hoặc MD5), không còn được chấp nhận' },
  WEAK_KEY_SIZE: { verdict: 'indeterminate', vi: 'Chữ ký còn nguyên vẹn nhưng khóa ký quá ngắn (RSA dưới 1900 bit), không còn được chấp nhận' },
  OUT_OF_BOUNDS_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số hết hạn hoặc chưa có hiệu lực và không có dấu thời gian chứng minh thời điểm ký' },
  REVOKED_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh đã ký trước đó' },
  REVOKED_CA_NO_POE: { verdict: 'indeterminate', vi: 'Chứng thư số của tổ chức cấp đã bị thu hồi' },
  TRY_LATER: { verdict: 'indeterminate', vi: 'Không có thông tin về tình trạng thu hồi của chứng thư số' },
  SIG_CONSTRAINTS_FAILURE: { verdict: 'indeterminate', vi: 'Thuộc tính ký không đáp ứng yêu cầu' },
  // Timestamps (document timestamps; a signature timestamp that fails is only a warning)
  TIMESTAMP_CHAIN_UNTRUSTED: { verdict: 'indeterminate', vi: 'Chứng thư của đơn vị cấp dấu thời gian không chuỗi được đến tổ chức chứng thực tin cậy' },
  TIMESTAMP_CERT_EXPIRED: { verdict: 'indeterminate', vi: 'Chứng thư của đơn vị cấp dấu thời gian đã hết hạn và không có dấu thời gian nào sau đó chứng minh' },
  TIMESTAMP_WEAK_ALGORITHM: { verdict: 'indeterminate', vi: 'Dấu thời gian dùng thuật toán yếu (SHA-1, MD5 hoặc khóa ngắn)' },
  TIMESTAMP_CHAIN_INVALID: { verdict: 'indeterminate', vi: 'Chuỗi chứng thư của đơn vị cấp dấu thời gian không hợp lệ (bị thu hồi hoặc sai mục đích sử dụng)' },
  // Document level (gateway)
  ENCRYPTED: { verdict: 'indeterminate', vi: 'Tệp PDF được mã hóa nên không kiểm tra được chữ ký số' },
  DECOMPRESSION_LIMIT: { verdict: 'indeterminate', vi: 'Tệp chứa dữ liệu nén vượt giới hạn cho phép (nghi là bom nén), chưa kiểm tra được chữ ký số' },
  PARSE_LIMIT: { verdict: 'indeterminate', vi: 'Cấu trúc tệp vượt giới hạn xử lý cho phép, chưa kiểm tra được chữ ký số' },
  NO_SIGNATURE_FOUND: { verdict: 'unsigned', vi: 'Tệp không có chữ ký số' },
} as const;

/** Warnings (never change the verdict). */
export const WARNINGS = {
  SIGNED_ATTRS_NOT_DER: 'Các thuộc tính ký không được sắp xếp theo DER; đã kiểm tra trên bytes gốc',
  TIMESTAMP_INVALID: 'Dấu thời gian kèm chữ ký không hợp lệ, đã bỏ qua',
  TIMESTAMP_UNTRUSTED: 'Dấu thời gian kèm chữ ký không chuỗi được đến tổ chức tin cậy, đã bỏ qua',
  TIMESTAMP_EXPIRED: 'Chứng thư của đơn vị cấp dấu thời gian kèm chữ ký đã hết hạn, dấu thời gian đã bỏ qua',
  TIMESTAMP_WEAK: 'Dấu thời gian kèm chữ ký dùng thuật toán yếu, đã bỏ qua',
  MODIFIED_COVERED_BY_LATER_SIGNATURE: 'Có chỉnh sửa cho phép (chú thích/điền biểu mẫu) sau khi ký, được chữ ký sau bao phủ',
  ORPHAN_SIGNATURE_DICTIONARY: 'Có từ điển chữ ký không gắn với trường chữ ký nào',
  VISIBLE_SIGNATURE_ADDED: 'Có chữ ký hiển thị được thêm sau khi ký',
  OCSP_UNAVAILABLE: 'Không truy vấn được OCSP',
  CLAIMED_TIME_ONLY: 'Thời điểm ký do người ký tự khai, không có dấu thời gian',
  LTV_DATA_ADDED: 'Sau khi ký có bổ sung dữ liệu kiểm tra dài hạn (DSS, dấu thời gian tài liệu), được phép',
  FORM_FILLED_AFTER_SIGNING: 'Sau khi ký có điền biểu mẫu, được phép theo quyền của chữ ký',
  APPEARANCE_REGENERATED: 'Hình thức hiển thị của trường biểu mẫu được tạo lại, nội dung hiển thị không đổi',
  ANNOTATIONS_CHANGED_AFTER_SIGNING: 'Sau khi ký có thêm, sửa hoặc xóa chú thích, được phép theo quyền của chữ ký (DocMDP P=3)',
  BOOKKEEPING_AFTER_SIGNING: 'Sau khi ký có cập nhật kỹ thuật (cây cấu trúc, tài nguyên trang, cờ biểu mẫu), không đổi nội dung hiển thị',
  XREF_RECONSTRUCTED: 'Bảng tham chiếu chéo của tệp bị hỏng, đã dựng lại bằng cách quét tệp',
  ENCRYPTED_DOCUMENT: 'Tệp PDF được mã hóa',
  CMS_SEVERAL_SIGNER_INFOS: 'Khối chữ ký có nhiều người ký (SignerInfo); đã kiểm tra người ký thứ nhất',
  CMS_ENCAPSULATED_CONTENT: 'Khối chữ ký chứa nội dung đóng gói thay vì tách rời',
  CONTENTS_TRAILING_DATA: 'Có dữ liệu thừa sau giá trị chữ ký trong /Contents (không thuộc phần được ký)',
  UNKNOWN_SUBFILTER: 'Kiểu chữ ký (SubFilter) không phổ biến; đã kiểm tra như chữ ký CMS tách rời',
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
