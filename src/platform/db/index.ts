export * from './connect.js';
export * from './drop-schema.js';
export * from './errors.js';
export * from './migrations.js';
