/**
 * Control operations shared by the control routes, the load generator and
 * startup: starting a call, describing one, and patching settings.
 */
import { FixtureError, loadCallAudio } from '../audio/fixtures.js';
import type { CallerStep } from '../botcall/script.js';
import type { Call } from '../calls/engine.js';
import { ScenarioError } from '../calls/builder.js';
import { parseStartCall, timelineFor, type StartCallRequest } from '../calls/start.js';
import { finalTime } from '../calls/timeline.js';
import type { EmulatorContext } from '../context.js';
import { ControlError } from '../errors.js';
import { patchSettingsOf, type Settings } from '../settings.js';

export interface ParticipantSummary {
  participantId: string;
  sessionId: string;
  purpose: string;
  name: string;
  userId?: string;
  queueId?: string;
  startMs: number;
  connectedMs?: number;
  endMs: number;
  disconnectType: string;
  spans: { kind: string; startMs: number; endMs: number }[];
  wrapup?: { code: string; notes?: string; startMs: number; endMs: number };
}

export interface CallSummary {
  conversationId: string;
  orgId: string;
  scenario: string;
  startMs: number;
  endMs: number;
  /** When the last wrap-up ends: nothing changes on the call after this. */
  finalMs: number;
  start: string;
  end: string;
  recordingId?: string;
  participants: ParticipantSummary[];
}

export function startCall(ctx: EmulatorContext, orgId: string, body: StartCallRequest | unknown): Call {
  const org = ctx.orgs.require(orgId);
  const req = parseStartCall(body);
  if (req.conversationId && ctx.calls.get(req.conversationId)) throw new ControlError(`conversation ${req.conversationId} already exists`, 409, 'conflict');
  try {
    const timeline = timelineFor(org, req, ctx.clock.now(), ctx.rng, (u) => ctx.calls.agentFreeAt(u));
    if (req.bot) checkPhrases(ctx, req.bot.script);
    if (req.audio) checkCallAudio(req.audio.fixture);
    return ctx.calls.add(timeline, { ...(req.dialOut ? { dialOut: req.dialOut } : {}), ...(req.bot ? { bot: req.bot } : {}), ...(req.audio ? { audio: req.audio } : {}) });
  } catch (err) {
    if (err instanceof ScenarioError) throw new ControlError(err.message, 400, 'invalid_scenario');
    throw err;
  }
}

/** The fixture must exist now: the dialler reads it later, where an error could only be logged. */
function checkCallAudio(name: string): void {
  try {
    loadCallAudio(name);
  } catch (err) {
    if (err instanceof FixtureError) throw new ControlError(`invalid call request: audio.fixture: ${err.message}`);
    throw err;
  }
}

/** Every phrase a bot-call script says must be a caller fixture. */
function checkPhrases(ctx: EmulatorContext, script: CallerStep[]): void {
  const phrases = ctx.phrases();
  script.forEach((step, i) => {
    if ('say' in step && !phrases.has(step.say)) throw new ControlError(`invalid call request: bot.script[${i}].say: unknown caller phrase "${step.say}" (known: ${[...phrases.keys()].join(', ')})`);
  });
}

export function callSummary(call: Call): CallSummary {
  const t = call.timeline;
  return {
    conversationId: t.conversationId,
    orgId: t.orgId,
    scenario: t.scenario,
    startMs: t.start,
    endMs: t.end,
    finalMs: finalTime(t),
    start: new Date(t.start).toISOString(),
    end: new Date(t.end).toISOString(),
    ...(t.recording ? { recordingId: t.recording.id } : {}),
    participants: t.legs.map((l) => ({
      participantId: l.participantId,
      sessionId: l.sessionId,
      purpose: l.purpose,
      name: l.name,
      ...(l.userId ? { userId: l.userId } : {}),
      ...(l.queueId ? { queueId: l.queueId } : {}),
      startMs: l.start,
      ...(l.connected !== undefined ? { connectedMs: l.connected } : {}),
      endMs: l.end,
      disconnectType: l.disconnect,
      spans: l.spans.map((s) => ({ kind: s.kind, startMs: s.start, endMs: s.end })),
      ...(l.wrapup ? { wrapup: { code: l.wrapup.code, ...(l.wrapup.notes ? { notes: l.wrapup.notes } : {}), startMs: l.wrapup.start, endMs: l.wrapup.end } } : {}),
    })),
  };
}

export function patchSettings(ctx: EmulatorContext, patch: unknown): Settings {
  const next = patchSettingsOf(ctx.settings(), patch);
  ctx.setSettings(next);
  return next;
}
