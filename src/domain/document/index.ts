/** Pure document rules: agency codes, number and notation, types, urgency, secrecy, dates. */
export * from './agency-code.js';
export * from './number-notation.js';
export * from './types.js';
export * from './urgency.js';
export * from './secrecy.js';
export * from './dates.js';
export * from './text.js';
