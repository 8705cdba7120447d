export * from './secret-box.js';
export * from './mask.js';
