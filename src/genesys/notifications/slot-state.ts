/**
 * Lifecycle of one logical channel slot (a set of ≤1,000 topics), as a pure
 * reducer: (state, input) → (state, effects). The adapter (slot.ts) performs
 * the effects (REST calls, sockets) and feeds the outcomes back as inputs.
 *
 * The invariants this encodes:
 * - socket_closing → open a replacement and switch to it while the old socket
 *   still delivers: no gap; the overlap is deduplicated upstream.
 * - a socket lost with no live replacement → recover with backoff, and report
 *   the gap [last frame seen, replacement live] so callers can reconcile.
 * - silence longer than `deadAfterMs` (no heartbeat, pong or event) is a loss.
 * - resubscribe before the channel's expiry.
 */

export interface ChannelRef {
  channelId: string;
  connectUri: string;
  expiresAt: number;
}

export interface Conn extends ChannelRef {
  socketId: number;
  connectedAt: number;
  lastFrameAt: number;
  lastPingAt: number;
}

export interface SlotSettings {
  /** Send `{"message":"ping"}` this often (reference: 30–60 s). */
  pingIntervalMs: number;
  /** No frame for this long = dead socket (reference: ~75 s). */
  deadAfterMs: number;
  /** Resubscribe this long before `expires`. */
  renewBeforeMs: number;
  /** After a switch, keep the old socket this long to catch in-flight events. */
  drainMs: number;
  /** Wait after a failed renewal before trying again. */
  renewRetryMs: number;
}

export type Phase = 'idle' | 'opening' | 'live' | 'handover' | 'recovering' | 'stopped';

export interface SlotState {
  phase: Phase;
  active?: Conn;
  draining: { conn: Conn; closeAt: number }[];
  /** Set while nothing is listening: the time of the last frame before the loss, and why. */
  gapFrom?: number;
  gapReason?: LossReason;
  /** Set during a handover: why, and the channel to reconnect to when no new one may be created. */
  handover?: { reason: HandoverReason; reuse?: ChannelRef };
  /** Consecutive failed opens; drives backoff. */
  failures: number;
  /** Channel to try again when recovering; undefined = create a new one. */
  reuse?: ChannelRef;
  renewing: boolean;
  renewNotBefore: number;
}

export type OpenReason = 'initial' | 'recover' | 'handover';
export type LossReason = 'closed' | 'heartbeat-timeout' | 'channel-gone';
export type HandoverReason = 'socket-closing' | 'channel-gone';

export type SlotEvent =
  | { type: 'connected'; channelId: string; reason: OpenReason }
  | { type: 'disconnected'; channelId: string; reason: LossReason }
  | { type: 'handover'; fromChannelId: string | undefined; toChannelId: string; reason: HandoverReason }
  | { type: 'gap'; from: number; to: number; reason: LossReason }
  | { type: 'error'; error: Error; during: OpenReason | 'renew' };

export type SlotEffect =
  /** Get a channel (reuse or create), subscribe the slot's topics, connect. `attempt` > 0 → back off first. */
  | { type: 'open'; reason: OpenReason; attempt: number; reuse?: ChannelRef }
  | { type: 'ping'; socketId: number }
  | { type: 'close'; socketId: number }
  /** Drop a channel we stopped using (DELETE its subscriptions) so it stops costing. */
  | { type: 'release'; channelId: string }
  | { type: 'renew'; channelId: string }
  | { type: 'emit'; event: SlotEvent };

export type SlotInput =
  | { type: 'start' }
  | { type: 'opened'; conn: Conn; now: number }
  | { type: 'open-failed'; reason: OpenReason; error: Error; channelGone: boolean; now: number }
  | { type: 'frame'; socketId: number; now: number }
  /** `sameChannel`: no channel budget left for a replacement; reconnect to the same one. */
  | { type: 'socket-closing'; socketId: number; sameChannel: boolean; now: number }
  | { type: 'closed'; socketId: number; channelGone: boolean; now: number }
  | { type: 'tick'; now: number }
  | { type: 'renewed'; channelId: string; expiresAt: number; now: number }
  | { type: 'renew-failed'; channelId: string; error: Error; channelGone: boolean; now: number }
  | { type: 'stop' };

export interface Step {
  state: SlotState;
  effects: SlotEffect[];
}

export const initialSlotState = (): SlotState => ({ phase: 'idle', draining: [], failures: 0, renewing: false, renewNotBefore: 0 });

const emit = (event: SlotEvent): SlotEffect => ({ type: 'emit', event });
const ref = (c: Conn): ChannelRef => ({ channelId: c.channelId, connectUri: c.connectUri, expiresAt: c.expiresAt });

export function stepSlot(s: SlotState, input: SlotInput, cfg: SlotSettings): Step {
  if (s.phase === 'stopped') return { state: s, effects: input.type === 'opened' ? [{ type: 'close', socketId: input.conn.socketId }] : [] };
  switch (input.type) {
    case 'start':
      return s.phase === 'idle' ? { state: { ...s, phase: 'opening' }, effects: [{ type: 'open', reason: 'initial', attempt: 0 }] } : { state: s, effects: [] };
    case 'opened':
      return onOpened(s, input.conn, input.now, cfg);
    case 'open-failed':
      return onOpenFailed(s, input);
    case 'frame':
      return { state: touch(s, input.socketId, input.now), effects: [] };
    case 'socket-closing':
      return onSocketClosing(s, input);
    case 'closed':
      return onClosed(s, input.socketId, input.channelGone ? 'channel-gone' : 'closed');
    case 'tick':
      return onTick(s, input.now, cfg);
    case 'renewed': {
      const active = s.active?.channelId === input.channelId ? { ...s.active, expiresAt: input.expiresAt } : s.active;
      return { state: { ...s, renewing: false, active }, effects: [] };
    }
    case 'renew-failed':
      return onRenewFailed(s, input, cfg);
    case 'stop':
      return onStop(s);
  }
}

function onOpened(s: SlotState, conn: Conn, now: number, cfg: SlotSettings): Step {
  if (s.phase === 'live' || s.phase === 'idle') return { state: s, effects: [{ type: 'close', socketId: conn.socketId }] };
  const effects: SlotEffect[] = [];
  const prev = s.active;
  const draining = [...s.draining];
  if (s.phase === 'handover') {
    if (prev) draining.push({ conn: prev, closeAt: now + cfg.drainMs });
    const reason = s.handover?.reason ?? 'socket-closing';
    effects.push(emit({ type: 'handover', fromChannelId: prev?.channelId ?? s.reuse?.channelId, toChannelId: conn.channelId, reason }));
  }
  effects.push(emit({ type: 'connected', channelId: conn.channelId, reason: s.phase === 'handover' ? 'handover' : s.phase === 'opening' ? 'initial' : 'recover' }));
  if (s.gapFrom !== undefined) effects.push(emit({ type: 'gap', from: s.gapFrom, to: now, reason: s.gapReason ?? 'closed' }));
  const state: SlotState = {
    ...s,
    phase: 'live',
    active: conn,
    draining,
    gapFrom: undefined,
    gapReason: undefined,
    handover: undefined,
    failures: 0,
    reuse: ref(conn),
    renewing: false,
    renewNotBefore: 0,
  };
  return { state, effects };
}

function onOpenFailed(s: SlotState, input: Extract<SlotInput, { type: 'open-failed' }>): Step {
  const failures = s.failures + 1;
  const reuse = input.channelGone ? undefined : s.reuse;
  const error = emit({ type: 'error', error: input.error, during: input.reason });
  if (s.phase === 'handover' && s.active) {
    // The old socket still delivers: try the replacement again, no gap yet.
    const handover = { reason: s.handover?.reason ?? 'socket-closing', ...(input.channelGone || !s.handover?.reuse ? {} : { reuse: s.handover.reuse }) };
    const open: SlotEffect = { type: 'open', reason: 'handover', attempt: failures, ...(handover.reuse ? { reuse: handover.reuse } : {}) };
    return { state: { ...s, failures, handover }, effects: [error, open] };
  }
  const phase = s.phase === 'opening' ? 'opening' : 'recovering';
  const reason: OpenReason = phase === 'opening' ? 'initial' : 'recover';
  return { state: { ...s, phase, failures, reuse }, effects: [error, { type: 'open', reason, attempt: failures, ...(reuse ? { reuse } : {}) }] };
}

function touch(s: SlotState, socketId: number, now: number): SlotState {
  if (s.active?.socketId === socketId) return { ...s, active: { ...s.active, lastFrameAt: now } };
  return s;
}

function onSocketClosing(s: SlotState, input: Extract<SlotInput, { type: 'socket-closing' }>): Step {
  if (s.phase !== 'live' || s.active?.socketId !== input.socketId) return { state: s, effects: [] };
  const reuse = input.sameChannel ? ref(s.active) : undefined;
  const handover = { reason: 'socket-closing' as const, ...(reuse ? { reuse } : {}) };
  const state: SlotState = { ...s, active: { ...s.active, lastFrameAt: input.now }, phase: 'handover', failures: 0, handover };
  const open: SlotEffect = { type: 'open', reason: 'handover', attempt: 0, ...(reuse ? { reuse } : {}) };
  return { state, effects: [open] };
}

function onClosed(s: SlotState, socketId: number, reason: LossReason): Step {
  const d = s.draining.find((x) => x.conn.socketId === socketId);
  if (d) {
    const draining = s.draining.filter((x) => x !== d);
    return { state: { ...s, draining }, effects: releaseIfUnused(d.conn.channelId, s.active, draining) };
  }
  if (!s.active || s.active.socketId !== socketId) return { state: s, effects: [] };
  return lose(s, reason);
}

/** The active socket is gone (closed, silent, or its channel vanished). */
function lose(s: SlotState, reason: LossReason): Step {
  const active = s.active as Conn;
  const effects: SlotEffect[] = [emit({ type: 'disconnected', channelId: active.channelId, reason })];
  const gapFrom = s.gapFrom ?? active.lastFrameAt;
  const gapReason = s.gapReason ?? reason;
  const reuse = reason === 'channel-gone' ? undefined : ref(active);
  if (s.phase === 'handover') {
    // A replacement is already being opened; when it is live the gap ends.
    return { state: { ...s, active: undefined, gapFrom, gapReason, reuse }, effects };
  }
  effects.push({ type: 'open', reason: 'recover', attempt: 0, ...(reuse ? { reuse } : {}) });
  return { state: { ...s, phase: 'recovering', active: undefined, gapFrom, gapReason, reuse, failures: 0, renewing: false }, effects };
}

function onTick(s: SlotState, now: number, cfg: SlotSettings): Step {
  const effects: SlotEffect[] = [];
  const expired = s.draining.filter((d) => d.closeAt <= now);
  let state: SlotState = s;
  if (expired.length > 0) {
    const draining = s.draining.filter((d) => d.closeAt > now);
    state = { ...state, draining };
    for (const d of expired) effects.push({ type: 'close', socketId: d.conn.socketId }, ...releaseIfUnused(d.conn.channelId, s.active, draining));
  }
  const a = state.active;
  if (!a) return { state, effects };
  if (now - a.lastFrameAt >= cfg.deadAfterMs) {
    const lost = lose(state, 'heartbeat-timeout');
    return { state: lost.state, effects: [...effects, { type: 'close', socketId: a.socketId }, ...lost.effects] };
  }
  if (now - a.lastPingAt >= cfg.pingIntervalMs) {
    effects.push({ type: 'ping', socketId: a.socketId });
    state = { ...state, active: { ...a, lastPingAt: now } };
  }
  if (state.phase === 'live' && !state.renewing && now >= state.renewNotBefore && now >= a.expiresAt - cfg.renewBeforeMs) {
    effects.push({ type: 'renew', channelId: a.channelId });
    state = { ...state, renewing: true };
  }
  return { state, effects };
}

function onRenewFailed(s: SlotState, input: Extract<SlotInput, { type: 'renew-failed' }>, cfg: SlotSettings): Step {
  const state = { ...s, renewing: false, renewNotBefore: input.now + cfg.renewRetryMs };
  const error = emit({ type: 'error', error: input.error, during: 'renew' });
  if (!input.channelGone || s.phase !== 'live' || s.active?.channelId !== input.channelId) return { state, effects: [error] };
  // The channel vanished under a socket that may still look open: move to a new one.
  const handover = { reason: 'channel-gone' as const };
  return { state: { ...state, phase: 'handover', reuse: undefined, handover }, effects: [error, { type: 'open', reason: 'handover', attempt: 0 }] };
}

function onStop(s: SlotState): Step {
  const effects: SlotEffect[] = [];
  const channels = new Set<string>();
  for (const c of [s.active, ...s.draining.map((d) => d.conn)]) {
    if (!c) continue;
    effects.push({ type: 'close', socketId: c.socketId });
    channels.add(c.channelId);
  }
  for (const channelId of channels) effects.push({ type: 'release', channelId });
  return { state: { ...s, phase: 'stopped', active: undefined, draining: [] }, effects };
}

function releaseIfUnused(channelId: string, active: Conn | undefined, draining: readonly { conn: Conn }[]): SlotEffect[] {
  if (active?.channelId === channelId || draining.some((d) => d.conn.channelId === channelId)) return [];
  return [{ type: 'release', channelId }];
}
