/**
 * Dials AudioHook for calls and probes integrations. For every call in an org
 * with an active AudioHook integration it opens a session when the settings
 * say (customer connected, agent connected, plus a delay), streams through
 * one shared real-time ticker, and ends the session when the call ends.
 */
import { errorMessage } from '../../platform/util/error-message.js';
import type { Call, CallEngine } from '../calls/engine.js';
import { customerLeg, type Timeline } from '../calls/timeline.js';
import type { Rng } from '../core/rng.js';
import type { Scheduler } from '../core/scheduler.js';
import { msToSamples } from '../audio/arrangement.js';
import type { Integration, IntegrationStore, AudioHookTarget } from '../integrations/store.js';
import type { AudioHookEntry, EventLog } from '../log/event-log.js';
import type { DialOutSettings, Settings } from '../settings.js';
import type { OrgRegistry } from '../state/orgs.js';
import { CONNECTOR_MEDIA } from '../botcall/session.js';
import { runProbe } from './probe.js';
import { DialSession } from './session.js';

export interface DialerDeps {
  integrations: IntegrationStore;
  calls: CallEngine;
  orgs: OrgRegistry;
  scheduler: Scheduler;
  now: () => number;
  nowIso: () => string;
  settings: () => Settings;
  log: EventLog;
  rng: Rng;
}

const TICK_MS = 20;

export class Dialer {
  private readonly live = new Set<DialSession>();
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: DialerDeps) {
    deps.integrations.onProbeNeeded = (i) =>
      void this.probe(i).catch((err: unknown) => {
        deps.integrations.report(i, 'ERROR', `connection probe could not run: ${errorMessage(err)}`);
      });
  }

  get activeSessions(): number {
    return this.live.size;
  }

  /** Plans the AudioHook sessions of a new call. */
  planCall(call: Call): void {
    const t = call.timeline;
    const settings = this.settingsFor(call);
    if (call.options.dialOut?.enabled === false) return;
    const openAt = this.openTime(t, settings);
    if (openAt === undefined || openAt >= t.end) return;
    for (const integration of this.deps.integrations.activeAudioHooks(t.orgId)) {
      const target = this.deps.integrations.audioHookTarget(integration);
      if (typeof target === 'string') continue;
      this.deps.scheduler.at(openAt, () => {
        // The integration may have been disabled since the call was planned.
        if (!this.deps.integrations.activeAudioHooks(t.orgId).includes(integration) || this.stopped) return;
        const session = this.open(call, target, settings, openAt);
        this.deps.scheduler.at(t.end, () => session.endCall());
      });
    }
  }

  async probe(i: Integration): Promise<void> {
    const target = this.deps.integrations.probeTarget(i);
    if (typeof target === 'string') {
      this.deps.integrations.report(i, 'ERROR', target);
      this.deps.log.happening(this.deps.nowIso(), 'integration.probe', { integrationId: i.id, ok: false, detail: target });
      return;
    }
    const ids = { sessionId: this.deps.rng.uuid(), correlationId: this.deps.rng.uuid() };
    const entry = this.deps.log.session(this.newEntry('probe', target, ids, '00000000-0000-0000-0000-000000000000', 0));
    const s = this.deps.settings().dialOut;
    // An Audio Connector probe offers what a bot call offers: PCMU 8000 mono external.
    const connector = i.typeId === 'audio-connector' ? { media: [CONNECTOR_MEDIA], connector: true } : {};
    const outcome = await runProbe(target, entry, ids, s, this.deps.nowIso, connector);
    if (i.intendedState === 'ENABLED') this.deps.integrations.report(i, outcome.ok ? 'ACTIVE' : 'ERROR', outcome.ok ? undefined : outcome.detail);
    this.deps.log.happening(this.deps.nowIso(), 'integration.probe', { integrationId: i.id, ok: outcome.ok, detail: outcome.detail, sessionId: ids.sessionId });
  }

  /** Brings the running SHA-256 of live sessions into their log entries. */
  refreshDigests(): void {
    for (const s of this.live) s.entry.sha256 = s.digest();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.live) s.client.terminate();
    this.live.clear();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private settingsFor(call: Call): DialOutSettings {
    const org = this.deps.orgs.get(call.timeline.orgId);
    const perCall = { ...call.options.dialOut };
    delete perCall.enabled;
    return { ...this.deps.settings().dialOut, ...org?.dialOut, ...perCall } as DialOutSettings;
  }

  private openTime(t: Timeline, s: DialOutSettings): number | undefined {
    if (s.openAt === 'customer-connected') return (customerLeg(t).connected ?? t.start) + s.openDelayMs;
    const answered = t.legs.filter((l) => l.purpose === 'agent' && l.connected !== undefined).map((l) => l.connected as number);
    return answered.length > 0 ? Math.min(...answered) + s.openDelayMs : undefined;
  }

  private open(call: Call, target: AudioHookTarget, settings: DialOutSettings, openAt: number): DialSession {
    const t = call.timeline;
    const cust = customerLeg(t);
    const ids = { sessionId: this.deps.rng.uuid(), correlationId: this.deps.rng.uuid() };
    const startSample = msToSamples(openAt - t.start);
    const entry = this.deps.log.session(this.newEntry('call', target, ids, t.conversationId, startSample));
    const plan = {
      target,
      conversationId: t.conversationId,
      participant: { id: cust.participantId, ani: t.ani, aniName: t.customerName, dnis: t.dnis },
      audio: this.deps.calls.audioOf(call),
      callStart: t.start,
      startSample,
      endSample: msToSamples(t.end - t.start),
      settings,
      ...ids,
    };
    const session = new DialSession(plan, entry, this.deps.nowIso, (s) => this.live.delete(s));
    this.live.add(session);
    this.ensureTicker();
    void session.start();
    return session;
  }

  private newEntry(kind: 'call' | 'probe', target: AudioHookTarget, ids: { sessionId: string; correlationId: string }, conversationId: string, startSample: number): AudioHookEntry {
    return {
      kind,
      ...ids,
      conversationId,
      orgId: target.orgId,
      integrationId: target.integrationId,
      url: target.url,
      startedAt: this.deps.nowIso(),
      result: 'connecting',
      disconnects: [],
      protocolErrors: [],
      events: [],
      eventsDropped: 0,
      pauses: 0,
      resumes: 0,
      resumedAtMs: [],
      framesSent: 0,
      bytesSent: 0,
      sha256: '',
      startSample,
    };
  }

  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      const now = this.deps.now();
      for (const s of this.live) s.pump(now);
      if (this.live.size === 0 && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, TICK_MS);
  }
}
