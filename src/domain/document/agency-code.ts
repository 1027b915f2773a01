/**
 * Agency identifiers (mã định danh): the QCVN 102:2016 form `000.00.31.H62` (edXML OrganId, String 13)
 * and the QĐ 20/2020/QĐ-TTg form (Art. 4.1: up to 35 characters of 0-9, A-Z and dots, groups left to right).
 */

/** QCVN 102:2016 legacy form, e.g. `000.00.00.H62`. */
export const QCVN102_AGENCY_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/u;

/** QĐ 20/2020 form: dot-separated groups of [0-9A-Z], 35 characters at most, e.g. `H55.242`. */
export const QD20_AGENCY_CODE = /^(?=.{1,35}$)[0-9A-Z]+(?:\.[0-9A-Z]+)*$/u;

export type AgencyCodeFormat = 'qcvn102' | 'qd20';

/** Which accepted format an agency code has, or null if it is not a valid code. */
export function agencyCodeFormat(code: string): AgencyCodeFormat | null {
  const c = code.trim();
  if (QCVN102_AGENCY_CODE.test(c)) return 'qcvn102';
  if (QD20_AGENCY_CODE.test(c)) return 'qd20';
  return null;
}

/** True when `code` is a valid agency code in either accepted format. */
export function isAgencyCode(code: string): boolean {
  return agencyCodeFormat(code) !== null;
}
