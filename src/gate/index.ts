export { Gate, type GatePolicy, type GateOptions } from './gate.js';
