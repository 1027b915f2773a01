/** Object identifiers we read or write (RFC 5652, 5035, 3161, 5280, 8017, 5758). */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha3_256: '2.16.840.1.101.3.4.2.8',
  sha3_384: '2.16.840.1.101.3.4.2.9',
  sha3_512: '2.16.840.1.101.3.4.2.10',
  // X.509 extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  nameConstraints: '2.5.29.30',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspAccess: '1.3.6.1.5.5.7.48.1',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  // CRL entry / CRL extensions (RFC 5280 §5.2, §5.3)
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  // Names (X.520)
  commonName: '2.5.4.3',
  serialNumberAttr: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  orgUnit: '2.5.4.11',
  title: '2.5.4.12',
  uid: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** Digest OIDs to node:crypto names; SHA-1 is recognised only to refuse it. */
export const DIGESTS: Record<string, { name: string; weak: boolean }> = {
  [OID.sha1]: { name: 'sha1', weak: true },
  '1.2.840.113549.2.5': { name: 'md5', weak: true },
  [OID.sha224]: { name: 'sha224', weak: false },
  [OID.sha256]: { name: 'sha256', weak: false },
  [OID.sha384]: { name: 'sha384', weak: false },
  [OID.sha512]: { name: 'sha512', weak: false },
  [OID.sha3_256]: { name: 'sha3-256', weak: false },
  [OID.sha3_384]: { name: 'sha3-384', weak: false },
  [OID.sha3_512]: { name: 'sha3-512', weak: false },
};

/** Signature algorithm OIDs (CMS signatureAlgorithm, X.509 signatureAlgorithm). */
export const SIG_ALGS: Record<string, { kind: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ecdsa-plain' | 'ed25519'; hash?: string }> = {
  [OID.rsaEncryption]: { kind: 'rsa' },
  '1.2.840.113549.1.1.5': { kind: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.4': { kind: 'rsa', hash: 'md5' },
  '1.2.840.113549.1.1.11': { kind: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { kind: 'rsa', hash: 'sha224' },
  [OID.rsaPss]: { kind: 'rsa-pss' },
  [OID.ecPublicKey]: { kind: 'ecdsa' },
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { kind: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'sha512' },
  // BSI TR-03111 plain ECDSA (r||s)
  '0.4.0.127.0.7.1.1.4.1.1': { kind: 'ecdsa-plain', hash: 'sha1' },
  '0.4.0.127.0.7.1.1.4.1.3': { kind: 'ecdsa-plain', hash: 'sha256' },
  '0.4.0.127.0.7.1.1.4.1.4': { kind: 'ecdsa-plain', hash: 'sha384' },
  '0.4.0.127.0.7.1.1.4.1.5': { kind: 'ecdsa-plain', hash: 'sha512' },
  [OID.ed25519]: { kind: 'ed25519' },
};

/** Digest name to OID (for the CMS we write). */
export const DIGEST_OID: Record<string, string> = Object.fromEntries(
  Object.entries(DIGESTS).map(([o, d]) => [d.name, o]),
);

/** Short labels for distinguished-name attributes. */
export const NAME_LABELS: Record<string, string> = {
  [OID.commonName]: 'CN', [OID.country]: 'C', [OID.organization]: 'O', [OID.orgUnit]: 'OU',
  [OID.locality]: 'L', [OID.state]: 'ST', [OID.title]: 'T', [OID.serialNumberAttr]: 'SERIALNUMBER',
  [OID.uid]: 'UID', [OID.emailAddress]: 'E',
};
