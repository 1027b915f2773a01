/** edXML (QCVN 102:2016): envelope and status packet, build and parse. */
export * from './codes.js';
export * from './types.js';
export { buildEnvelope, parseEnvelope } from './envelope.js';
export { buildStatus, parseStatus } from './status.js';
export { detectEdxml, type EdxmlKind } from './detect.js';
