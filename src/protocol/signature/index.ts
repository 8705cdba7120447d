export * from './base.js';
export * from './nonce-cache.js';
export * from './sign.js';
export * from './verify.js';
