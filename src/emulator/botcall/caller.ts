/**
 * Runs the bot legs of calls (Architect's "Call Audio Connector" in the
 * call's IVR flow): for a call started with a `bot` option it opens an
 * AudioConnector session to the org's audio-connector integration when the
 * call enters the IVR, and closes it with close(end) when the IVR leg ends if
 * the bot has not ended it first (caller hang-up in the script, or the
 * server's `disconnect`). Sessions are pumped by one real-time ticker: audio
 * both ways is real time whatever the virtual clock's speed.
 */
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../../platform/util/error-message.js';
import type { Call } from '../calls/engine.js';
import { customerLeg } from '../calls/timeline.js';
import type { Rng } from '../core/rng.js';
import type { Scheduler } from '../core/scheduler.js';
import type { IntegrationStore } from '../integrations/store.js';
import type { EventLog } from '../log/event-log.js';
import type { Settings } from '../settings.js';
import type { BotCallEntry } from './entry.js';
import type { Phrases } from './phrases.js';
import type { BotOption } from './script.js';
import { ConnectorSession } from './session.js';

export interface BotCallerDeps {
  integrations: IntegrationStore;
  scheduler: Scheduler;
  nowIso: () => string;
  settings: () => Settings;
  log: EventLog;
  rng: Rng;
  phrases: () => Phrases;
  /** Session clock (ms); real time by default. */
  realNow?: () => number;
}

const TICK_MS = 20;

export class BotCaller {
  private readonly live = new Set<ConnectorSession>();
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: BotCallerDeps) {}

  get activeSessions(): number {
    return this.live.size;
  }

  /** Plans the bot leg of a call that has one: open when the IVR answers, hang up when it ends. */
  planCall(call: Call): void {
    const bot = call.options.bot;
    const ivr = call.timeline.legs.find((l) => l.purpose === 'ivr');
    if (!bot || ivr?.connected === undefined) return;
    this.deps.scheduler.at(ivr.connected, () => {
      if (this.stopped) return;
      const session = this.open(call, bot);
      if (session) this.deps.scheduler.at(ivr.end, () => session.hangup());
    });
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.live) s.client.terminate();
    this.live.clear();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private open(call: Call, bot: BotOption): ConnectorSession | undefined {
    const t = call.timeline;
    const d = this.deps;
    const ids = { sessionId: d.rng.uuid(), correlationId: d.rng.uuid() };
    const integration = bot.integrationId !== undefined ? d.integrations.get(t.orgId, bot.integrationId) : d.integrations.activeConnectors(t.orgId)[0];
    const target = integration && d.integrations.activeConnectors(t.orgId).includes(integration) ? d.integrations.connectorTarget(integration) : 'no active audio-connector integration in the org';
    const entry = newEntry(ids, t.conversationId, t.orgId, integration?.id ?? '', bot, typeof target === 'string' ? '' : joinUrl(target.url, bot.connectorId), d.nowIso());
    if (typeof target === 'string') {
      d.log.botCall({ ...entry, result: 'failed', error: target, endedAt: d.nowIso() }, () => new Uint8Array());
      return undefined;
    }
    const cust = customerLeg(t);
    const now = d.realNow ?? (() => performance.now());
    const session = new ConnectorSession(
      {
        url: entry.url,
        apiKey: target.apiKey,
        clientSecret: target.clientSecret,
        orgId: t.orgId,
        conversationId: t.conversationId,
        participant: { id: cust.participantId, ani: t.ani, aniName: t.customerName, dnis: t.dnis },
        ...ids,
        inputVariables: bot.inputVariables,
        customConfig: bot.customConfig,
        language: bot.language,
        script: bot.script,
        phrases: d.phrases(),
        settings: d.settings().botCalls,
      },
      entry,
      now,
      d.nowIso,
      (s) => this.live.delete(s),
    );
    d.log.botCall(entry, () => session.received.bytes());
    this.live.add(session);
    this.ensureTicker();
    void session.start();
    return session;
  }

  /** A session that throws is dropped and logged; the others keep running. */
  private pump(s: ConnectorSession): void {
    try {
      s.pump();
    } catch (err) {
      this.deps.log.happening(this.deps.nowIso(), 'internal.error', { message: errorMessage(err), sessionId: s.entry.sessionId });
      s.entry.error ??= errorMessage(err);
      s.client.terminate();
      this.live.delete(s);
    }
  }

  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      for (const s of this.live) this.pump(s);
      if (this.live.size === 0 && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, TICK_MS);
  }
}

/** Genesys appends the connector id to the base connection URI as is (so bases end with `/`). */
export function joinUrl(base: string, connectorId: string): string {
  return base + connectorId;
}

export function newEntry(ids: { sessionId: string; correlationId: string }, conversationId: string, orgId: string, integrationId: string, bot: Pick<BotOption, 'connectorId' | 'inputVariables'>, url: string, startedAt: string, kind: BotCallEntry['kind'] = 'bot'): BotCallEntry {
  return {
    kind,
    ...ids,
    conversationId,
    orgId,
    integrationId,
    connectorId: bot.connectorId,
    url,
    startedAt,
    result: 'connecting',
    inputVariables: bot.inputVariables ?? {},
    framesSent: 0,
    bytesSent: 0,
    receivedMessages: 0,
    receivedBytes: 0,
    rateLimited: 0,
    receivedSha256: '',
    keptBytes: 0,
    playbacks: [],
    bargeIns: [],
    bargeInCount: 0,
    callerTurns: [],
    dtmfSent: '',
    step: 0,
    protocolErrors: [],
    turnResponses: [],
    turnResponseCount: 0,
  };
}
