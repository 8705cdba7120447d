export * from './client.js';
export * from './load.js';
export * from './stats.js';
export * from './lateness.js';
