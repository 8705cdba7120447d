export * from './connect.js';
export type * from './schema.js';
export * from './drop-schema.js';
