export * from './connect.js';
export type * from './schema.js';
