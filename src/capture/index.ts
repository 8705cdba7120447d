export * from './admission.js';
export { CaptureServer, type CaptureDeps } from './server.js';
export type { CredentialLookup } from './credentials.js';
export { SinkDropMetrics } from './metrics.js';
export { RecorderSink, recordingKey, type RecorderOptions } from './sinks/recorder.js';
export { StreamSink, type StreamSinkOptions } from './sinks/stream.js';
export type { AudioHookConnection } from './connection.js';
export type { AgentTag, ConversationTag, SessionInfo, Sink, SinkControl, SinkEnd, SinkSession } from './sinks/port.js';
export { audiohookSchema, recorderSchema, streamSchema, type AudiohookConfig, type RecorderConfig, type StreamConfig } from './config.js';
