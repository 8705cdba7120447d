export * from './percentile.js';
export * from './registry.js';
