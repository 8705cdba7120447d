/**
 * Issue 4 end to end: Genesys emulator → AudioHook → gate → stream sink →
 * receiver. Only monitored agents' calls reach the receiver, tagged with the
 * agent, byte-identical to what the emulator streamed for the admitted span;
 * an unmonitored call is disconnected having sent zero audio frames.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../src/audio/index.js';
import type { ReceivedSession } from '../../src/receiver/index.js';
import { until } from '../helpers/server.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack({ agents: 3, monitored: 2, tenant: { gateTimeoutSeconds: 2.5 } });
  await s.tracking();
}, 60_000);
afterAll(() => s?.stop());

type AudioHookLogEntry = { conversationId: string; result: string; framesSent: number; bytesSent: number; sha256: string; disconnects: { reason: string }[]; kind?: string };

async function sessionLog(conversationId: string): Promise<AudioHookLogEntry> {
  const log = (await s.control.audioHookLog({ conversationId })) as AudioHookLogEntry[];
  if (log.length !== 1) throw new Error(`expected one session for ${conversationId}, got ${log.length}`);
  return log[0] as AudioHookLogEntry;
}

function received(conversationId: string): ReceivedSession | undefined {
  return [...(s.receiver?.sessions.values() ?? [])].find((r) => r.start.conversationId === conversationId);
}

/** The audio the receiver got, from its first written byte (what arrived after admission). */
function receivedAudio(r: ReceivedSession): Buffer {
  const wav = readFileSync(r.path('wav'));
  const data = wav.subarray(parseWav(wav).dataOffset);
  return data.subarray(r.written.start);
}

describe('real-time gate against the emulator', () => {
  it('admits exactly the monitored agents’ calls, tagged, byte-identical; drops the unmonitored call with zero frames sent', async () => {
    const [a, b, c] = s.agents;
    const talk = { talkMs: 3000, ivrMs: 300, queueMs: 300, alertMs: 500, acwMs: 300 };
    const calls = await Promise.all(
      [a, b, c].map((agent) => s.control.startCall(s.orgId, { scenario: 'inbound', agentIds: [agent!.id], queueId: s.queueId, durations: talk })),
    );
    const [ca, cb, cc] = calls.map((x) => x.conversationId) as [string, string, string];
    await until(async () => (await Promise.all(calls.map((x) => sessionLog(x.conversationId).catch(() => undefined)))).every((l) => l && ['completed', 'failed', 'dropped'].includes(l.result)), 30_000, 'all sessions to finish');
    await until(() => [ca, cb].every((id) => received(id)?.finished === true), 10_000, 'the receiver to get both ends');

    for (const [id, agent] of [[ca, a], [cb, b]] as const) {
      const r = received(id) as ReceivedSession;
      expect(r.start.agent).toMatchObject({ id: agent!.id, name: agent!.name, email: agent!.email });
      expect(r.start.tenant).toBe(s.orgId);
      expect(r.start.channels).toEqual(['customer', 'agent']);
      const log = await sessionLog(id);
      expect(log.framesSent).toBeGreaterThan(0);
      const audio = receivedAudio(r);
      expect(audio.length).toBe(log.bytesSent);
      expect(createHash('sha256').update(audio).digest('hex')).toBe(log.sha256);
    }

    expect(received(cc)).toBeUndefined();
    const unmonitored = await sessionLog(cc);
    expect(unmonitored.framesSent).toBe(0);
    expect(unmonitored.disconnects.map((d) => d.reason)).toContain('completed');

    // The connection probe that activated the integration was answered and left nothing behind.
    const probes = (await s.control.audioHookLog({ kind: 'probe' })) as AudioHookLogEntry[];
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes.every((p) => p.result === 'completed' && p.framesSent === 0)).toBe(true);
  }, 60_000);
});
