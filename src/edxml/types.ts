/** Plain-object shapes for edXML builders and parsers (field meanings: docs/edxml.md §Elements we read). */
import type { BusinessDocType, StatusCode } from './codes.js';

/** From / To (and Status From): an organisation. */
export type Organ = {
  organId: string;
  organName?: string;
  organizationInCharge?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
};

/** ResponseFor: the document being answered. `code` is its number and notation, `promulgationDate` YYYY-MM-DD. */
export type ResponseFor = { organId?: string; code?: string; promulgationDate?: string; documentId?: string };

export type StaffInfo = { department?: string; staff?: string; mobile?: string; email?: string };

export type SignerInfo = { competence?: string; position?: string; fullName?: string };

/** One manifest entry; `sha256` is carried in Reference/Description as `SHA-256:<hex>` (our convention). */
export type ManifestEntry = { name: string; contentType: string; sha256?: string; contentId?: string; size?: number; description?: string };

export type EnvelopeInput = {
  from: Organ;
  to: Organ[];
  /** Số, e.g. '12' (padded below 10 by the builder). */
  codeNumber: string;
  /** Ký hiệu, e.g. 'QĐ-UBND' or '2019/QĐ-UBND'. */
  codeNotation: string;
  place?: string;
  /** YYYY-MM-DD. */
  promulgationDate: string;
  typeName: string;
  type?: string;
  typeDetail?: string;
  subject: string;
  content?: string;
  signer?: SignerInfo;
  /** YYYY-MM-DD. */
  dueDate?: string;
  toPlaces?: string[];
  /** 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ. */
  priority?: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  appendixes?: string[];
  responseFor?: ResponseFor;
  steeringType?: 0 | 1 | 2;
  documentId: string;
  /** Trace hops; `timestamp` is an instant (ISO 8601), written as yyyy/MM/dd HH:mm:ss Vietnam time. */
  traces?: Array<{ organId: string; timestamp: string }>;
  business?: {
    docType: BusinessDocType;
    reason?: string;
    replacements?: Array<{ documentId: string; organIds: string[] }>;
    staff?: StaffInfo;
    paper?: boolean;
  };
  attachments: ManifestEntry[];
};

/** Which envelope form a document came in: QCVN 102:2016 (`edXML/edXMLEnvelope`) or the older SOAP form. */
export type EdxmlForm = 'qcvn102' | 'soap';

/** Result of parseEnvelope: every field optional (lenient); `errors` says why something is unusable. */
export type EnvelopeParse = {
  ok: boolean;
  /** Set when an envelope of either form was found (docs/edxml.md §Older SOAP form). */
  form?: EdxmlForm;
  errors: string[];
  warnings: string[];
  from?: Organ;
  to: Organ[];
  codeNumber?: string;
  codeNotation?: string;
  /** `${codeNumber}/${codeNotation}` when both are present. */
  numberNotation?: string;
  place?: string;
  promulgationDate?: string;
  typeName?: string;
  type?: string;
  subject?: string;
  content?: string;
  signer?: SignerInfo;
  dueDate?: string;
  toPlaces: string[];
  priority?: number;
  /** OtherInfo/Secret of the older form, as written (e.g. "Mật"); QCVN 102:2016 has no such element. */
  secret?: string;
  pageAmount?: number;
  appendixes: string[];
  responseFor?: ResponseFor;
  steeringType?: number;
  documentId?: string;
  traces: Array<{ organId?: string; timestamp?: string }>;
  businessDocType?: BusinessDocType;
  businessDocReason?: string;
  staff?: StaffInfo;
  attachments: ManifestEntry[];
  /** AttachmentEncoded parts (outside the envelope). `zipped` when the bytes are a ZIP (one Java peer zips). */
  encodedAttachments: Array<{ name?: string; contentType?: string; contentId?: string; content: Buffer; zipped: boolean }>;
};

export type StatusInput = {
  responseFor: ResponseFor;
  from: Organ;
  statusCode: StatusCode;
  description?: string;
  /** An instant (ISO 8601); written as yyyy/MM/dd HH:mm:ss Vietnam time. */
  timestamp: string;
  staff?: StaffInfo;
};

export type StatusParse = {
  ok: boolean;
  errors: string[];
  warnings: string[];
  responseFor?: ResponseFor;
  from?: Organ;
  /** Known two-digit code, or null (unknown codes are reported in `rawStatusCode` and warnings). */
  statusCode: StatusCode | null;
  rawStatusCode?: string;
  description?: string;
  /** ISO 8601 with offset. */
  timestamp?: string;
  staff?: StaffInfo;
};
