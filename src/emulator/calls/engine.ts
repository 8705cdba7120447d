/**
 * Runs calls on the virtual clock: keeps every call (the analytics and
 * recording views read them), and at each change on a call's timeline
 * publishes the user-topic snapshots and the detail events due then.
 */
import type { Scheduler } from '../core/scheduler.js';
import { arrangeCall, placeCallAudio, type CallAudio } from '../audio/arrangement.js';
import { loadCallAudio, type SpeechClips } from '../audio/fixtures.js';
import type { BotOption } from '../botcall/script.js';
import type { Attachment } from './analytics-record.js';
import { detailEvents, detailTopic } from './detail-events.js';
import { callsSnapshot, conversationSnapshot, watchingAgents } from './snapshot.js';
import { changeTimes, finalTime, talkIntervals, type Timeline } from './timeline.js';

export interface CallOptions {
  /** Per-call AudioHook dial-out overrides (see DialOutSettings). */
  dialOut?: Record<string, unknown>;
  /**
   * A call that ended before it was added (bulk history): its events are in the past, so nothing
   * is published for it and nobody dials out; analytics and recordings still show it.
   */
  history?: boolean;
  /** The caller talks to a bot over AudioConnector while in the IVR (Architect's "Call Audio Connector"). */
  bot?: BotOption;
  /** The call's audio is this fixture call (fixtures/analysis/<name>.ulaw) from the start of the talk, not arranged phrases. */
  audio?: { fixture: string };
}

export interface Call {
  timeline: Timeline;
  evaluations: Attachment[];
  surveys: Attachment[];
  options: CallOptions;
  /** Built on first use: most calls in a load test are never recorded or dialled twice. */
  audio?: CallAudio;
}

export interface EngineDeps {
  scheduler: Scheduler;
  clips: () => SpeechClips;
  publish: (orgId: string, topic: string, body: unknown | (() => unknown)) => number;
  /** Called once per call when it is added (the AudioHook dialler plans its sessions here). */
  onCall?: (call: Call) => void;
  /** When the recording of a call becomes downloadable. */
  onRecordingReady?: (call: Call) => void;
  recordingReadyAt: (t: Timeline) => number;
}

export class CallEngine {
  private readonly calls = new Map<string, Call>();
  private readonly byOrg = new Map<string, Call[]>();
  /** userId → when that agent's last wrap-up ends. */
  private readonly busyUntil = new Map<string, number>();

  constructor(private readonly deps: EngineDeps) {}

  add(timeline: Timeline, options: CallOptions = {}): Call {
    if (this.calls.has(timeline.conversationId)) throw new Error(`conversation ${timeline.conversationId} already exists`);
    const call: Call = { timeline, evaluations: [], surveys: [], options };
    this.calls.set(timeline.conversationId, call);
    const list = this.byOrg.get(timeline.orgId) ?? [];
    list.push(call);
    this.byOrg.set(timeline.orgId, list);
    for (const leg of timeline.legs) {
      if (leg.userId) this.busyUntil.set(leg.userId, Math.max(this.busyUntil.get(leg.userId) ?? 0, leg.wrapup?.end ?? leg.end));
    }
    if (options.history) return call;
    this.schedule(call);
    this.deps.onCall?.(call);
    return call;
  }

  get(conversationId: string): Call | undefined {
    return this.calls.get(conversationId);
  }

  forOrg(orgId: string): Call[] {
    return this.byOrg.get(orgId) ?? [];
  }

  /** When the agent is free again (0 if never busy). */
  agentFreeAt(userId: string): number {
    return this.busyUntil.get(userId) ?? 0;
  }

  audioOf(call: Call): CallAudio {
    const t = call.timeline;
    const fixture = call.options.audio?.fixture;
    if (fixture !== undefined) {
      const clips = loadCallAudio(fixture);
      const talkStart = talkIntervals(t)[0]?.start ?? t.start;
      call.audio ??= placeCallAudio({ customer: clips.customer[0] as Uint8Array, agent: clips.agent[0] as Uint8Array }, talkStart - t.start, t.end - t.start);
    }
    call.audio ??= arrangeCall(
      t.conversationId,
      talkIntervals(t).map((i) => ({ start: i.start - t.start, end: i.end - t.start })),
      t.end - t.start,
      this.deps.clips(),
    );
    return call.audio;
  }

  /** Calls whose timeline is still running at `now` (wrap-up included). */
  activeCount(now: number): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.timeline.start <= now && now < finalTime(c.timeline)) n++;
    return n;
  }

  private schedule(call: Call): void {
    const t = call.timeline;
    const s = this.deps.scheduler;
    for (const at of changeTimes(t)) s.at(at, () => this.publishSnapshots(t, at));
    for (const e of detailEvents(t)) s.at(e.at, () => this.deps.publish(t.orgId, detailTopic(t.conversationId, e.suffix), e.body));
    if (t.recording && this.deps.onRecordingReady) s.at(this.deps.recordingReadyAt(t), () => this.deps.onRecordingReady?.(call));
  }

  private publishSnapshots(t: Timeline, at: number): void {
    for (const userId of watchingAgents(t, at)) {
      this.deps.publish(t.orgId, `v2.users.${userId}.conversations.calls`, () => callsSnapshot(t, at));
      this.deps.publish(t.orgId, `v2.users.${userId}.conversations`, () => conversationSnapshot(t, at));
    }
  }
}
