/**
 * A typed HTTP client for the emulator's control API: what tests and the
 * demo use to drive an emulator, in-process or started separately
 * (`new EmulatorControl('http://127.0.0.1:8787')`).
 */
import type { BotCallEntry } from '../botcall/entry.js';
import type { StartCallRequest } from '../calls/start.js';
import type { LoadRequest, LoadStatus } from '../calls/load.js';
import type { FaultSpec, Fault } from '../http/faults.js';
import type { DeliveryFault, DeliveryFaultSpec } from '../notify/delivery-faults.js';
import type { AudioHookEntry, HappeningEntry, NotificationEntry, NotificationQuery } from '../log/event-log.js';
import type { EventBridgeSinkInput } from '../notify/eventbridge.js';
import type { Settings } from '../settings.js';
import type { SeededOrg, SeedInput } from '../state/seed.js';
import type { HistoryRequest, HistoryResult } from './history.js';
import type { CallSummary } from './ops.js';

export class ControlClientError extends Error {
  override readonly name = 'ControlClientError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const msg = body && typeof body === 'object' && 'message' in body ? String(body.message) : JSON.stringify(body);
    super(`${what} failed: HTTP ${status}: ${msg}`);
  }
}

export interface ClockState {
  now: number;
  iso: string;
  speed: number;
  pendingTimers: number;
}

export interface IntegrationState {
  id: string;
  name?: string;
  intendedState?: string;
  reportedState: string;
  detail: string | null;
}

type Q = Record<string, string | number | undefined>;

export class EmulatorControl {
  readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  // --- setup -------------------------------------------------------------------------------
  seed(doc: SeedInput): Promise<{ orgs: SeededOrg[] }> {
    return this.call('POST', '/seed', doc);
  }
  orgs(): Promise<SeededOrg[]> {
    return this.call('GET', '/orgs');
  }
  org(orgId: string): Promise<SeededOrg> {
    return this.call('GET', `/orgs/${orgId}`);
  }
  addUsers(orgId: string, users: { id?: string; name: string; email?: string; password?: string; permissions?: string[] }[]): Promise<{ id: string; name: string; email: string }[]> {
    return this.call('POST', `/orgs/${orgId}/users`, users);
  }
  addGroups(orgId: string, groups: { id?: string; name: string; members?: string[] }[]): Promise<{ id: string; name: string; memberIds: string[] }[]> {
    return this.call('POST', `/orgs/${orgId}/groups`, groups);
  }
  addClients(orgId: string, clients: { id?: string; secret?: string; name?: string; tokenLifetimeSeconds?: number; grant?: 'client-credentials' | 'code' | 'token'; redirectUris?: string[] }[]): Promise<{ clientId: string; clientSecret: string; name: string }[]> {
    return this.call('POST', `/orgs/${orgId}/clients`, clients);
  }
  addIntegrations(orgId: string, items: { type?: 'audiohook' | 'audio-connector'; connectionUri: string; apiKey: string; clientSecret?: string; name?: string; enabled?: boolean; probe?: boolean }[]): Promise<IntegrationState[]> {
    return this.call('POST', `/orgs/${orgId}/integrations`, items);
  }
  /** Every conversation notification of the org is also POSTed there as Amazon EventBridge would; null removes it. */
  setEventBridge(orgId: string, sink: EventBridgeSinkInput | null): Promise<unknown> {
    return this.call('PUT', `/orgs/${orgId}/eventbridge`, sink);
  }
  integration(orgId: string, integrationId: string): Promise<IntegrationState> {
    return this.call('GET', `/orgs/${orgId}/integrations/${integrationId}`);
  }
  probeIntegration(orgId: string, integrationId: string): Promise<IntegrationState> {
    return this.call('POST', `/orgs/${orgId}/integrations/${integrationId}/probe`, {});
  }
  addMembers(orgId: string, groupId: string, userIds: string[]): Promise<{ id: string; version: number; memberIds: string[] }> {
    return this.call('POST', `/orgs/${orgId}/groups/${groupId}/members`, { userIds });
  }
  removeMembers(orgId: string, groupId: string, userIds: string[]): Promise<{ id: string; version: number; memberIds: string[] }> {
    return this.call('DELETE', `/orgs/${orgId}/groups/${groupId}/members`, { userIds });
  }
  setOrgSettings(orgId: string, s: { rateLimit?: Record<string, unknown> | null; dialOut?: Record<string, unknown> | null }): Promise<unknown> {
    return this.call('PUT', `/orgs/${orgId}/settings`, s);
  }
  settings(): Promise<Settings> {
    return this.call('GET', '/settings');
  }
  patchSettings(patch: Record<string, unknown>): Promise<Settings> {
    return this.call('PATCH', '/settings', patch);
  }
  /** Topics matching these globs are answered `Rejected` with these missing permissions. */
  rejectTopics(rules: { pattern: string; missingPermissions?: string[] }[]): Promise<Settings> {
    return this.patchSettings({ notifications: { rejectTopics: rules } });
  }

  // --- calls and time ------------------------------------------------------------------------
  startCall(orgId: string, req: StartCallRequest = {}): Promise<CallSummary> {
    return this.call('POST', `/orgs/${orgId}/calls`, req);
  }
  /** Many calls that already ended (no notifications, no dial-out), e.g. a day for reconciliation. */
  addHistory(orgId: string, req: HistoryRequest): Promise<HistoryResult> {
    return this.call('POST', `/orgs/${orgId}/history`, req);
  }
  getCall(conversationId: string): Promise<CallSummary> {
    return this.call('GET', `/calls/${conversationId}`);
  }
  addEvaluation(conversationId: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', `/calls/${conversationId}/evaluations`, data);
  }
  addSurvey(conversationId: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', `/calls/${conversationId}/surveys`, data);
  }
  startLoad(orgId: string, req: LoadRequest): Promise<LoadStatus> {
    return this.call('POST', `/orgs/${orgId}/load`, req);
  }
  load(id: string): Promise<LoadStatus> {
    return this.call('GET', `/load/${id}`);
  }
  stopLoad(id: string): Promise<LoadStatus> {
    return this.call('DELETE', `/load/${id}`);
  }
  clock(): Promise<ClockState> {
    return this.call('GET', '/clock');
  }
  setSpeed(speed: number): Promise<ClockState> {
    return this.call('PUT', '/clock', { speed });
  }
  advance(ms: number): Promise<ClockState> {
    return this.call('POST', '/clock/advance', { ms });
  }
  state(): Promise<Record<string, unknown>> {
    return this.call('GET', '/state');
  }

  // --- faults and limits -----------------------------------------------------------------------
  addFault(spec: Partial<FaultSpec> & Pick<FaultSpec, 'kind'>): Promise<Fault> {
    return this.call('POST', '/faults', spec);
  }
  faults(): Promise<Fault[]> {
    return this.call('GET', '/faults');
  }
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/faults');
  }
  resetRateLimits(): Promise<unknown> {
    return this.call('POST', '/ratelimit/reset', {});
  }

  // --- notification channels and jobs -----------------------------------------------------------
  channels(): Promise<{ id: string; orgId: string; env: string; clientId: string; connected: boolean; topics: number; expires: string; lastUsed: string }[]> {
    return this.call('GET', '/channels');
  }
  socketClosing(channelId: string, closeAfterMs?: number): Promise<unknown> {
    return this.call('POST', `/channels/${channelId}/socket-closing`, closeAfterMs === undefined ? {} : { closeAfterMs });
  }
  dropSocket(channelId: string): Promise<unknown> {
    return this.call('POST', `/channels/${channelId}/drop`, {});
  }
  /** Duplicate or out-of-order delivery of notification frames, for an org, a channel or every channel. */
  addNotificationFault(spec: DeliveryFaultSpec): Promise<DeliveryFault> {
    return this.call('POST', '/notifications/faults', spec);
  }
  notificationFaults(): Promise<DeliveryFault[]> {
    return this.call('GET', '/notifications/faults');
  }
  /** Held frames are released (in the fault's order) before the faults go. */
  clearNotificationFaults(): Promise<unknown> {
    return this.call('DELETE', '/notifications/faults');
  }
  expireChannel(channelId: string): Promise<unknown> {
    return this.call('POST', `/channels/${channelId}/expire`, {});
  }
  failJob(jobId: string, errorMessage?: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/jobs/${jobId}/fail`, errorMessage ? { errorMessage } : {});
  }
  expireJob(jobId: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/jobs/${jobId}/expire`, {});
  }

  // --- the log ------------------------------------------------------------------------------------
  notificationLog(q: NotificationQuery = {}): Promise<NotificationEntry[]> {
    return this.call('GET', `/log/notifications${query(q)}`);
  }
  audioHookLog(q: { conversationId?: string; kind?: 'call' | 'probe'; integrationId?: string } = {}): Promise<AudioHookEntry[]> {
    return this.call('GET', `/log/audiohook${query(q)}`);
  }
  /** Bot calls (AudioConnector sessions): counts, playback spans, barge-ins, DTMF, disconnect and output variables. */
  botCallLog(q: { conversationId?: string; integrationId?: string } = {}): Promise<BotCallEntry[]> {
    return this.call('GET', `/log/botcalls${query(q)}`);
  }
  /** The bot audio one bot-call session received (raw 8 kHz µ-law). */
  async botCallAudio(sessionId: string): Promise<Uint8Array> {
    const res = await fetch(`${this.base}/control/log/botcalls/${encodeURIComponent(sessionId)}/audio`);
    if (!res.ok) throw new ControlClientError(res.status, await res.text(), `GET /log/botcalls/${sessionId}/audio`);
    return new Uint8Array(await res.arrayBuffer());
  }
  happenings(q: { kind?: string; since?: number } = {}): Promise<HappeningEntry[]> {
    return this.call('GET', `/log/happenings${query(q)}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/control${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the raw text for the error
    }
    if (!res.ok) throw new ControlClientError(res.status, parsed, `${method} ${path}`);
    return parsed as T;
  }
}

function query(q: Q): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
