/**
 * The API capability: per-tenant API tokens, the read API over the
 * conversation model (admin listener), its OpenAPI document, and the Data
 * Action endpoint Genesys Architect calls (public listener). Fastify is used
 * through the instance the app passes in; nothing here opens a port.
 */
export { apiMigrations } from './migrations/index.js';
export type { ApiTables, ApiTokensTable } from './tables.js';
export { apiSchema, type ApiConfig } from './config.js';
export { LAST_USED_RESOLUTION_MS, SCOPES, TOKEN_PREFIX, TokenError, TokenStore, allows, type Principal, type Scope, type TokenInfo } from './tokens.js';
export { EVENTS_SETTLE_MS, ReadModel, type ReadModelOptions } from './read.js';
export { ConversationContextService, type ContextDeps } from './data-action.js';
export { STATUS_TTL_MS, SessionStatusStore, recordingStatus, type SessionStatus, type StatusListener } from './session-status.js';
export { TENANT_HEADER, dataActionRoute, readRoutes, registerRoutes, type ReadDeps, type RegisterOptions, type RouteSpec, type SessionAuthenticator, type SessionIdentity } from './routes.js';
export { openApiDocument } from './openapi.js';
export { BadRequestError, ForbiddenError, NotFoundError, TooManyStreamsError } from './errors.js';
export { DEAD_LETTER_SCAN, operationsRoutes, type DeliveryLog, type IngestOperations, type OperationsDeps } from './operations.js';
export { GROUPS_SCANNED, keyId, tenantAdminRoutes, type Connect, type GenesysFactory, type TenantAdminDeps } from './tenant-admin.js';
export { analysisOperations, analysisResult, analysisRoutes, type AnalysisOperations } from './analysis-routes.js';
export { BoundedPublisher, ChannelHub, StreamLimiter, callsChannel, eventsChannel } from './live-hub.js';
export { HELD_WINDOW_MS, LIVE_STATES, LiveCalls, liveCall, type LiveCall, type LiveCallPatch } from './live-calls.js';
export { LevelMeter, LiveMeterSink, METER_STEP, type LiveMeterOptions } from './live-meter-sink.js';
export { METERS_PER_MESSAGE } from './meter-board.js';
export { MAX_STREAMS_PER_PRINCIPAL, agentsOf, liveRoutes, type LiveDeps } from './live-routes.js';
export { SSE_HEARTBEAT_MS, SSE_MAX_BUFFERED_BYTES, SseClient, formatEvent, type SseOptions, type SseOutput } from './sse.js';
export { CaptureIndex, mediaRoutes, mediaType, type MediaDeps } from './media.js';
export { MediaBody, parseRange, type RangeAnswer } from './media-body.js';
export type { CaptureSession } from './media-schemas.js';
