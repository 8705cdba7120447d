export * from './percentile.js';
export * from './registry.js';
export * from './cluster.js';
