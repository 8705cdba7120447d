/**
 * What the demo shows: one snapshot of the whole system, read from the
 * emulator, the server (metrics, database, queue) and the receiver.
 */
import { sql } from 'kysely';
import type { Server } from '../app/serve.js';
import type { EmulatorControl } from '../emulator/index.js';
import type { Receiver } from '../receiver/index.js';
import { botCallStatus, type BotCallStatus } from './bot-call.js';

export interface DemoStatus {
  callsPlaced: number;
  callsActive: number;
  admitted: number;
  rejected: number;
  held: number;
  probes: number;
  forwardedCalls: number;
  forwardedBytes: number;
  recorded: number;
  imported: number;
  queued: number;
  deadLetters: number;
  reconcile?: { at: string; found: number; alreadyImported: number; enqueued: number } | undefined;
  botCalls: BotCallStatus;
}

async function metric(server: Server, name: string): Promise<number> {
  let total = 0;
  for (const line of (await server.registry.metrics()).split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function decision(server: Server, d: string): Promise<number> {
  return metric(server, `hookline_gate_decisions_total{decision="${d}"}`);
}

/** Finished recordings in object storage (the recorder uploads each when its call ends). */
async function recordings(server: Server): Promise<number> {
  let n = 0;
  for await (const key of server.ctx.objects.list('recordings/')) if (key.endsWith('.wav')) n++;
  return n;
}

export async function snapshot(server: Server, control: EmulatorControl, loadId: string, receiver: Receiver, orgId: string, botCalls: readonly string[] = []): Promise<DemoStatus> {
  const load = await control.load(loadId);
  const state = (await control.state()) as { activeCalls?: number; calls?: { active?: number } };
  const db = server.ctx.db.kysely;
  const count = async (q: string) => Number(((await sql.raw<{ n: number }>(q).execute(db)).rows[0] as { n: number } | undefined)?.n ?? 0);
  const imported = await count(`select count(*) as n from conversations where tenant_id = '${orgId}' and imported_at is not null`);
  const stats = server.ingest ? await server.queue.stats(server.ingest.queues.ingest) : { ready: 0, inFlight: 0, dead: 0 };
  const reports = server.ingest ? await server.ingest.reconciler.reports(orgId, 1) : [];
  const sessions = [...receiver.sessions.values()];
  const last = reports[0];
  return {
    callsPlaced: load.callsStarted,
    callsActive: Number(state.activeCalls ?? state.calls?.active ?? 0),
    admitted: (await decision(server, 'admitted')) + (await decision(server, 'admitted-at-open')),
    rejected: await decision(server, 'timeout-disconnected'),
    held: await metric(server, 'hookline_gate_held_sessions'),
    probes: await metric(server, 'hookline_audiohook_probes_total'),
    forwardedCalls: sessions.length,
    forwardedBytes: sessions.reduce((n, s) => n + s.bytesReceived, 0),
    recorded: await recordings(server),
    imported,
    queued: stats.ready + stats.inFlight,
    deadLetters: stats.dead,
    reconcile: last ? { at: last.windowEnd, found: last.found, alreadyImported: last.alreadyImported, enqueued: last.enqueued } : undefined,
    botCalls: await botCallStatus(control, botCalls),
  };
}
