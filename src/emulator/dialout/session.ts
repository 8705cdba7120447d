/**
 * One AudioHook session dialled for one call, acting as Genesys: a signed
 * upgrade, `open` offering stereo PCMU, audio frames that follow the call on
 * the virtual clock (the position keeps running while paused; nothing is sent
 * then — the client core does that), pings, and `close(end)` when the call
 * ends. A server `disconnect` is answered by the core with `close(disconnect)`.
 * Every audio byte sent is counted and hashed for the log.
 */
import { createHash, type Hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../../platform/util/error-message.js';
import type { EventEntity, MediaParameter } from '../../protocol/audiohook/index.js';
import { AudioHookClient } from '../../simulate/index.js';
import { msToSamples, type CallAudio } from '../audio/arrangement.js';
import { wallMs } from '../core/clock.js';
import { MAX_SESSION_EVENTS, type AudioHookEntry } from '../log/event-log.js';
import type { DialOutSettings } from '../settings.js';
import type { AudioHookTarget } from '../integrations/store.js';

export interface CallPlan {
  target: AudioHookTarget;
  conversationId: string;
  participant: { id: string; ani: string; aniName: string; dnis: string };
  audio: CallAudio;
  /** Virtual time of call-audio sample 0 (the conversation start). */
  callStart: number;
  startSample: number;
  endSample: number;
  settings: DialOutSettings;
  sessionId: string;
  correlationId: string;
}

/** Re-shapes stereo [external, internal] frames to the media the server chose. */
export function adaptFrame(stereo: Uint8Array, media: MediaParameter): Uint8Array {
  const [first, second] = media.channels;
  if (second !== undefined) {
    if (first === 'external') return stereo;
    const out = new Uint8Array(stereo.length);
    for (let i = 0; i < stereo.length; i += 2) {
      out[i] = stereo[i + 1] as number;
      out[i + 1] = stereo[i] as number;
    }
    return out;
  }
  const pick = first === 'internal' ? 1 : 0;
  const mono = new Uint8Array(stereo.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = stereo[i * 2 + pick] as number;
  return mono;
}

export class DialSession {
  readonly client: AudioHookClient;
  private readonly hash: Hash = createHash('sha256');
  private nextSample: number;
  private callEnded = false;
  private closing = false;
  private nextPingAt = Infinity;
  private closeDeadline = Infinity;
  private openDeadline = Infinity;
  private connectDeadline = Infinity;
  /** The reason of the `close` this client sent. */
  private closeReason: string | undefined;
  finished = false;

  constructor(
    readonly plan: CallPlan,
    readonly entry: AudioHookEntry,
    private readonly nowIso: () => string,
    private readonly onFinish: (s: DialSession) => void,
  ) {
    this.nextSample = plan.startSample;
    this.client = new AudioHookClient({
      url: plan.target.url,
      apiKey: plan.target.apiKey,
      clientSecret: plan.target.clientSecret,
      orgId: plan.target.orgId,
      conversationId: plan.conversationId,
      sessionId: plan.sessionId,
      correlationId: plan.correlationId,
      participant: plan.participant,
    });
    this.wire();
  }

  async start(): Promise<void> {
    this.connectDeadline = performance.now() + this.plan.settings.openTimeoutMs;
    try {
      await this.client.connect();
    } catch (err) {
      this.fail(this.client.httpStatus ? `upgrade refused: HTTP ${this.client.httpStatus}` : errorMessage(err));
      return;
    }
    this.openDeadline = performance.now() + this.plan.settings.openTimeoutMs;
    this.client.open();
  }

  /** The call is over: send what is left of its audio, then close with reason `end`. */
  endCall(): void {
    this.callEnded = true;
  }

  /** Running SHA-256 of what was sent so far. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** One ticker turn: frames due by virtual `now`, pings, and timeouts (real time). */
  pump(now: number): void {
    if (this.finished) return;
    const real = performance.now();
    const state = this.client.core.state;
    if (this.entry.result === 'connecting' && state === 'idle' && real > this.connectDeadline) {
      this.entry.error = 'timed out waiting for the WebSocket upgrade';
      return this.client.terminate();
    }
    if (state === 'opening' && real > this.openDeadline) return this.giveUp(408, 'Timed out waiting for opened response');
    if ((state === 'active' || state === 'paused') && !this.closing) {
      this.sendDue(now);
      this.ping(real);
    }
    if (this.closing && real > this.closeDeadline) {
      this.entry.error = 'close transaction timed out';
      this.client.terminate();
    }
  }

  private sendDue(now: number): void {
    const media = this.client.core.media;
    const frame = msToSamples(this.plan.settings.frameMs);
    const due = Math.min(this.plan.endSample, msToSamples(now - this.plan.callStart));
    let budget = this.plan.settings.maxCatchUpFrames;
    while (budget-- > 0 && this.nextSample < due && (this.nextSample + frame <= due || this.callEnded)) {
      const to = Math.min(this.nextSample + frame, due);
      const stereo = this.plan.audio.render(this.nextSample, to);
      this.nextSample = to;
      if (!media) continue;
      const data = adaptFrame(stereo, media);
      const before = this.client.framesSent;
      this.client.tick(data);
      if (this.client.framesSent > before) this.hash.update(data);
    }
    this.entry.framesSent = this.client.framesSent;
    this.entry.bytesSent = this.client.bytesSent;
    this.entry.positionSeconds = this.client.core.position / 1e9;
    if (this.callEnded && this.nextSample >= this.plan.endSample) this.close();
  }

  private ping(real: number): void {
    if (real < this.nextPingAt) return;
    if (this.client.core.awaitingPong) return this.giveUp(408, 'Timeout waiting for pong');
    this.client.ping();
    this.nextPingAt = real + this.plan.settings.pingIntervalMs;
  }

  private close(): void {
    if (this.closing) return;
    this.closing = true;
    this.entry.result = 'closing';
    this.closeDeadline = performance.now() + this.plan.settings.closeTimeoutMs;
    this.closeReason = 'end';
    this.client.close('end');
  }

  /** Genesys' reaction to a server that does not answer: error, then close. */
  private giveUp(code: number, message: string): void {
    this.entry.error = message;
    this.client.sendCustom('error', { code, message });
    this.closing = true;
    this.entry.result = 'closing';
    this.closeDeadline = performance.now() + this.plan.settings.closeTimeoutMs;
    this.closeReason = 'error';
    this.client.close('error');
  }

  private wire(): void {
    const c = this.client;
    c.on('opened', (e: { media: MediaParameter | undefined }) => {
      this.entry.result = 'open';
      this.entry.openedAt = this.nowIso();
      this.entry.media = e.media ?? null;
      this.openDeadline = Infinity;
      this.nextPingAt = performance.now() + 1000;
    });
    c.on('pong', () => {
      // REF client: a second ping straight after the first pong, for an early RTT sample.
      if (c.rtts.length === 1) this.nextPingAt = 0;
    });
    c.on('paused', () => this.entry.pauses++);
    // Transcription Connector: Genesys takes the server's transcript events; the emulator records them as they came.
    c.on('event', (e: { entities: EventEntity[] }) => {
      if (this.entry.events.length >= MAX_SESSION_EVENTS) this.entry.eventsDropped++;
      else this.entry.events.push({ at: this.nowIso(), entities: e.entities });
    });
    c.on('resumed', () => {
      this.entry.resumes++;
      this.entry.resumedAtMs.push(wallMs());
    });
    c.on('disconnect', (e: { reason: string; info?: string }) => {
      this.entry.disconnects.push({ reason: e.reason, ...(e.info ? { info: e.info } : {}) });
      if (!this.closing) this.closeReason = 'disconnect';
      this.closing = true;
      this.closeDeadline = performance.now() + this.plan.settings.closeTimeoutMs;
    });
    c.on('protocolError', (e: { info: string }) => {
      this.entry.protocolErrors.push(e.info);
      // The core answers a broken server with error + close(error).
      this.closeReason ??= 'error';
      this.closing = true;
      this.closeDeadline = Math.min(this.closeDeadline, performance.now() + this.plan.settings.closeTimeoutMs);
    });
    c.on('closed', () => (this.entry.result = 'completed'));
    c.on('socketClose', () => this.finish());
  }

  private fail(error: string): void {
    this.entry.result = 'failed';
    this.entry.error ??= error;
    if (this.client.httpStatus) this.entry.httpStatus = this.client.httpStatus;
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const e = this.entry;
    if (e.result !== 'completed' && e.result !== 'failed') e.result = 'dropped';
    if (this.closeReason) e.closeReason = this.closeReason;
    e.endedAt = this.nowIso();
    e.framesSent = this.client.framesSent;
    e.bytesSent = this.client.bytesSent;
    e.sha256 = this.hash.digest('hex');
    e.positionSeconds = this.client.core.position / 1e9;
    this.onFinish(this);
  }
}
