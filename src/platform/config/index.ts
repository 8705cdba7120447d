export * from './load.js';
export * from './schema.js';
export * from './units.js';
export * from './freeze.js';
