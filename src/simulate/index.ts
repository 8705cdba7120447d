export * from './client.js';
export * from './load.js';
