/**
 * Analytics conversation detail records and queries (Genesys Cloud docs, "Analytics conversation detail query", Genesys Cloud docs, "Analytics conversation details jobs", "Analytics conversation detail model").
 * Lowercase enums, ISO dates. Arrays are normalised to `[]` when absent.
 */
import type { Open } from './common.js';

export type AnalyticsPurpose = Open<
  | 'acd' | 'agent' | 'api' | 'botflow' | 'campaign' | 'customer' | 'dialer' | 'external' | 'fax' | 'group' | 'inbound'
  | 'ivr' | 'manual' | 'outbound' | 'station' | 'user' | 'voicemail' | 'voicesurveyflow' | 'workflow'
>;
export type AnalyticsMediaType = Open<
  'callback' | 'chat' | 'cobrowse' | 'email' | 'internalmessage' | 'message' | 'screenmonitoring' | 'screenshare' | 'unknown' | 'video' | 'voice'
>;
export type SegmentType = Open<
  | 'alert' | 'barging' | 'callback' | 'coaching' | 'contacting' | 'converting' | 'delay' | 'dialing' | 'hold' | 'interact'
  | 'ivr' | 'monitoring' | 'parked' | 'scheduled' | 'sharing' | 'system' | 'transmitting' | 'unknown' | 'uploading' | 'voicemail' | 'wrapup'
>;
/** camelCase here: a third spelling next to the event topics'. */
export type SegmentDisconnectType = Open<
  | 'client' | 'conferenceTransfer' | 'consultTransfer' | 'dndEndpoint' | 'dndTransfer' | 'endpoint' | 'error' | 'forwardTransfer'
  | 'noAnswerTransfer' | 'notAvailableTransfer' | 'other' | 'peer' | 'spam' | 'system' | 'timeout' | 'transfer' | 'transportFailure' | 'uncallable'
>;
export type AnalyticsRouting = Open<'Bullseye' | 'Conditional' | 'Direct' | 'Last' | 'Manual' | 'Predictive' | 'Preferred' | 'Standard' | 'Vip'>;

export interface AnalyticsSegment {
  segmentStart: string;
  segmentEnd?: string;
  segmentType?: SegmentType;
  queueId?: string;
  groupId?: string;
  wrapUpCode?: string;
  wrapUpNote?: string;
  wrapUpTags: string[];
  disconnectType?: SegmentDisconnectType;
  conference?: boolean;
  errorCode?: string;
  sipResponseCodes: number[];
  q850ResponseCodes: number[];
  requestedRoutingSkillIds: string[];
  requestedRoutingUserIds: string[];
  requestedLanguageId?: string;
  subject?: string;
  sourceConversationId?: string;
  destinationConversationId?: string;
  sourceSessionId?: string;
  destinationSessionId?: string;
  audioMuted?: boolean;
  videoMuted?: boolean;
  scoredAgents: { scoredAgentId?: string; agentScore?: number }[];
  properties: { property?: string; propertyType?: string; value?: string }[];
}

/** `t*` = milliseconds, `n*` = count, `o*` = observation; one entry per emission, so sum repeats. */
export interface AnalyticsMetric {
  name: string;
  value: number;
  emitDate?: string;
}

export interface AnalyticsFlow {
  flowId?: string;
  flowName?: string;
  flowType?: string;
  flowVersion?: string;
  entryType?: string;
  entryReason?: string;
  exitReason?: string;
  transferType?: string;
  transferTargetName?: string;
  transferTargetAddress?: string;
  issuedCallback?: boolean;
  startingLanguage?: string;
  endingLanguage?: string;
  outcomes: Record<string, unknown>[];
}

export interface AnalyticsMediaEndpointStat {
  codecs: string[];
  minMos?: number;
  minRFactor?: number;
  maxLatencyMs?: number;
  receivedPackets?: number;
  invalidPackets?: number;
  duplicatePackets?: number;
  discardedPackets?: number;
  overrunPackets?: number;
  underrunPackets?: number;
  eventTime?: string;
}

export interface AnalyticsSession {
  sessionId: string;
  mediaType?: AnalyticsMediaType;
  direction?: Open<'inbound' | 'outbound'>;
  ani?: string;
  dnis?: string;
  sessionDnis?: string;
  addressFrom?: string;
  addressTo?: string;
  addressSelf?: string;
  addressOther?: string;
  remote?: string;
  peerId?: string;
  provider?: string;
  edgeId?: string;
  protocolCallId?: string;
  recording?: boolean;
  requestedRoutings: AnalyticsRouting[];
  usedRouting?: AnalyticsRouting;
  selectedAgentId?: string;
  routingRule?: string;
  flowInType?: string;
  flowOutType?: string;
  scriptId?: string;
  segments: AnalyticsSegment[];
  metrics: AnalyticsMetric[];
  flow?: AnalyticsFlow;
  mediaEndpointStats: AnalyticsMediaEndpointStat[];
  proposedAgents: { proposedAgentId?: string; agentRank?: number }[];
  agentGroups: Record<string, unknown>[];
}

export interface AnalyticsParticipant {
  participantId: string;
  participantName?: string;
  purpose?: AnalyticsPurpose;
  userId?: string;
  teamId?: string;
  externalContactId?: string;
  externalOrganizationId?: string;
  flaggedReason?: string;
  screenRecording?: boolean;
  /** Async-job results only. */
  attributes?: Record<string, string>;
  sessions: AnalyticsSession[];
}

export interface AnalyticsEvaluation {
  evaluationId?: string;
  evaluatorId?: string;
  userId?: string;
  formId?: string;
  formName?: string;
  contextId?: string;
  evaluationStatus?: Open<'Finished' | 'InProgress' | 'InReview' | 'Pending' | 'Retracted'>;
  released?: boolean;
  rescored?: boolean;
  deleted?: boolean;
  calibrationId?: string;
  assigneeId?: string;
  assigneeApplicable?: boolean;
  queueId?: string;
  eventTime?: string;
  oTotalScore?: number;
  oTotalCriticalScore?: number;
  systemSubmitted?: boolean;
}

export interface AnalyticsSurvey {
  surveyId?: string;
  surveyFormId?: string;
  surveyFormName?: string;
  surveyFormContextId?: string;
  surveyStatus?: string;
  surveyType?: Open<'Web' | 'Voice'>;
  surveyPromoterScore?: number;
  oSurveyTotalScore?: number;
  surveyPartialResponse?: boolean;
  surveyCompletedDate?: string;
  userId?: string;
  queueId?: string;
  eventTime?: string;
}

export interface AnalyticsResolution {
  userId?: string;
  queueId?: string;
  eventTime?: string;
  nNextContactAvoided?: number;
}

export interface AnalyticsConversation {
  conversationId: string;
  conversationStart: string;
  conversationEnd?: string;
  originatingDirection?: Open<'inbound' | 'outbound'>;
  conversationInitiator?: string;
  customerParticipation?: boolean;
  divisionIds: string[];
  externalTag?: string;
  mediaStatsMinConversationMos?: number;
  mediaStatsMinConversationRFactor?: number;
  knowledgeBaseIds: string[];
  selfServed?: boolean;
  inactivityTimeout?: string;
  conferenceStart?: string;
  associatedConversationId?: string;
  consultationConversationIds: string[];
  originatingSocialMediaPublic?: boolean;
  participants: AnalyticsParticipant[];
  evaluations: AnalyticsEvaluation[];
  surveys: AnalyticsSurvey[];
  resolutions: AnalyticsResolution[];
}

// ---- queries ----

export interface QueryPredicate {
  type?: Open<'dimension' | 'property' | 'metric'>;
  dimension?: string;
  metric?: string;
  property?: string;
  propertyType?: string;
  operator?: Open<'matches' | 'exists' | 'notExists'>;
  value?: string;
  range?: { gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string };
}

export interface QueryClause {
  type: Open<'and' | 'or'>;
  predicates: QueryPredicate[];
}

export interface QueryFilter {
  type: Open<'and' | 'or'>;
  clauses?: QueryClause[];
  predicates?: QueryPredicate[];
}

interface QueryBase {
  /** ISO interval, `start/end`. */
  interval: string;
  order?: Open<'asc' | 'desc' | 'unordered'>;
  orderBy?: Open<'conversationStart' | 'conversationEnd' | 'segmentStart' | 'segmentEnd'>;
  conversationFilters?: QueryFilter[];
  segmentFilters?: QueryFilter[];
  evaluationFilters?: QueryFilter[];
  surveyFilters?: QueryFilter[];
  resolutionFilters?: QueryFilter[];
}

/** Body of `POST …/details/query`; paging is set by the client while iterating. */
export interface ConversationQuery extends QueryBase {
  aggregations?: { type: string; dimension?: string; metric?: string; size?: number }[];
}

export interface ConversationQueryResponse {
  conversations: AnalyticsConversation[];
  aggregations: Record<string, unknown>[];
  /** Approximate; moves while the interval still receives data. */
  totalHits: number;
}

/** Body of `POST …/details/jobs`. */
export interface AsyncConversationQuery extends QueryBase {
  limit?: number;
  startOfDayIntervalMatching?: boolean;
}

export type AsyncJobState = Open<'QUEUED' | 'PENDING' | 'FULFILLED' | 'FAILED' | 'CANCELLED' | 'EXPIRED'>;

export interface AsyncQueryStatus {
  state: AsyncJobState;
  errorMessage?: string;
  submissionDate?: string;
  completionDate?: string;
  expirationDate?: string;
}

export interface AsyncQueryResultsPage {
  conversations?: AnalyticsConversation[];
  cursor?: string;
  dataAvailabilityDate?: string;
}

export interface DataAvailability {
  dataAvailabilityDate: string;
}
