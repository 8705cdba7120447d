export * from './pacer.js';
