export * from './client-session.js';
export * from './duration.js';
export * from './media.js';
export * from './messages.js';
export * from './server-session.js';
export * from './validate.js';
