/**
 * The one place an error becomes an HTTP status and a message for a person (docs/security.md
 * §Layers). A BridgeError's status is its code's `http` column in the catalogue (src/errors.ts,
 * `httpStatusOf`); Fastify's own errors (body too large, bad media type, schema validation, rate
 * limit) carry a statusCode; anything else is a 500 whose detail stays in the log. What this file
 * keeps is the web's own: the Vietnamese title and next step shown for each status.
 */
import { BridgeError, httpStatusOf } from '../errors.js';

/** What to tell a clerk for each status, and what to do next (Vietnamese). */
export const STATUS_TEXT: Record<number, { title: string; next: string }> = {
  400: { title: 'Dữ liệu chưa hợp lệ', next: 'Kiểm tra lại các trường đã nhập rồi gửi lại.' },
  401: { title: 'Cần đăng nhập', next: 'Đăng nhập lại để tiếp tục.' },
  403: { title: 'Không được phép', next: 'Tải lại trang rồi thử lại; nếu vẫn lỗi, liên hệ quản trị viên.' },
  404: { title: 'Không tìm thấy', next: 'Mục này không tồn tại hoặc không thuộc cơ quan của bạn. Quay lại sổ văn bản.' },
  409: { title: 'Trạng thái đã thay đổi', next: 'Có người vừa thao tác trên mục này. Tải lại trang để xem trạng thái mới.' },
  413: { title: 'Tệp quá lớn', next: 'Giảm dung lượng tệp (ví dụ quét lại ở độ phân giải thấp hơn) rồi tải lên lại.' },
  415: { title: 'Định dạng không được hỗ trợ', next: 'Gửi lại bằng biểu mẫu trên trang.' },
  429: { title: 'Quá nhiều yêu cầu', next: 'Chờ một lúc rồi thử lại.' },
  500: { title: 'Lỗi hệ thống', next: 'Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên (thời điểm và thao tác).' },
  503: { title: 'Tạm thời chưa thực hiện được', next: 'Khóa hoặc chứng thư số của cơ quan chưa sẵn sàng; báo quản trị viên.' },
};

export type HttpFailure = { status: number; code: string; message: string; expected: boolean };

/** Classify an error: its status, a code for the API, a message, and whether it was expected (no stack in the log). */
export function httpFailure(err: unknown): HttpFailure {
  if (err instanceof BridgeError) {
    const status = httpStatusOf(err);
    return { status, code: err.code, message: status === 500 ? 'internal error' : err.message, expected: status < 500 };
  }
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.code?.startsWith('FST_CSRF_')) return { status: 403, code: 'CSRF_REFUSED', message: 'missing or wrong CSRF token', expected: true };
    const code = e.validation ? 'USAGE' : e.statusCode === 413 ? 'UPLOAD_TOO_LARGE' : e.statusCode === 429 ? 'RATE_LIMITED' : (e.code ?? 'USAGE');
    return { status: e.statusCode, code, message: e.message ?? 'bad request', expected: true };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error', expected: false };
}
