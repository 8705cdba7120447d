export { Receiver, type ReceiverOptions } from './server.js';
export type { ReceivedSession } from './session.js';
