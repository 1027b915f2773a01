/** Outgoing side, pure rules: SMTP failure policy, retry schedule, recipient state machine, subjects and Message-IDs. */
export * from './smtp-response.js';
export * from './retry.js';
export * from './recipient-state.js';
export * from './subject.js';
export { encodePart, decodePart } from './message-id.js';
