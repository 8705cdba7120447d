export * from './tone.js';
export * from './ulaw.js';
export * from './wav.js';
export * from './resample.js';
export * from './wav-stream.js';
export * from './levels.js';
