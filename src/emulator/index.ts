/**
 * The Genesys Cloud emulator: Platform API, notifications WebSocket, call
 * simulator and AudioHook dial-out on one port, driven by its control API.
 *
 *   const emu = await startEmulator({ seed: { orgs: [{ name: 'Acme' }] } });
 *   const call = await emu.control.startCall(emu.seeded[0].orgId, { scenario: 'hold' });
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { analyticsRoutes } from './api/analytics.js';
import { batchRoutes } from './api/batch.js';
import { conversationRoutes } from './api/conversations.js';
import { directoryRoutes } from './api/directory.js';
import { integrationRoutes } from './api/integrations.js';
import { jobRoutes } from './api/jobs.js';
import { loginRoutes } from './api/login.js';
import { notificationRoutes } from './api/notifications.js';
import { oauthClientRoutes } from './api/oauth-clients.js';
import { mediaRoutes, recordingRoutes } from './api/recordings.js';
import { buildContext, randomSeed } from './build.js';
import { EmulatorControl } from './control/client.js';
import { runRoutes } from './control/run-routes.js';
import { setupRoutes } from './control/setup-routes.js';
import { ControlError } from './errors.js';
import { createApp } from './http/app.js';
import { applySeed } from './state/apply-seed.js';
import { DEFAULT_ENV } from './state/model.js';
import { parseSeed, type SeededOrg, type SeedInput } from './state/seed.js';

export { EmulatorControl, ControlClientError } from './control/client.js';
export type { CallSummary, ParticipantSummary } from './control/ops.js';
export type { SeededOrg, SeedInput, SeedOrgInput } from './state/seed.js';
export type { Settings } from './settings.js';
export type { AudioHookEntry, NotificationEntry, HappeningEntry } from './log/event-log.js';
export { DEMO_SEED } from './state/seed.js';
export { DEFAULT_ENV };

export interface EmulatorOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Listen host, also used in every URL handed out (default 127.0.0.1). */
  host?: string;
  /** Virtual clock rate (1 = real time, 0 = stopped). */
  speed?: number;
  /** Virtual start time (epoch ms or ISO); default now. */
  startTime?: number | string;
  /** Seed of the id generator: same seed and same requests give the same ids. Default random. */
  idSeed?: string;
  /** Orgs and settings to create at start. */
  seed?: SeedInput;
  /** Settings patch (see settings.ts). */
  settings?: Record<string, unknown>;
  /** Directory of the speech clips (default fixtures/speech). */
  speechDir?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  control: EmulatorControl;
  /** What the start-up seed created (client ids and secrets, apiUrl, loginUrl…). */
  seeded: SeededOrg[];
  stop(): Promise<void>;
}

function startTimeOf(v: number | string | undefined): number {
  if (v === undefined) return Date.now();
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new ControlError(`startTime must be epoch ms or an ISO date (got ${String(v)})`);
  return ms;
}

/** `/r/{env}/streaming/channels/{id}` or `/streaming/channels/{id}` (default region). */
export function parseChannelPath(url: string): { env: string; channelId: string } | undefined {
  const m = /^(?:\/r\/([^/]+))?\/streaming\/channels\/([^/?]+)(?:\?.*)?$/.exec(url);
  if (!m) return undefined;
  return { env: decodeURIComponent(m[1] ?? DEFAULT_ENV), channelId: decodeURIComponent(m[2] as string) };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const seedDoc = options.seed ? parseSeed(options.seed) : undefined;
  const { ctx, view } = buildContext({
    host,
    speed: options.speed ?? 1,
    startTime: startTimeOf(options.startTime),
    idSeed: options.idSeed ?? randomSeed(),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.speechDir ? { speechDir: options.speechDir } : {}),
  });
  const app = createApp(ctx, {
    api: [directoryRoutes, notificationRoutes, analyticsRoutes(view), jobRoutes, conversationRoutes, recordingRoutes, batchRoutes, integrationRoutes, oauthClientRoutes],
    login: loginRoutes,
    media: mediaRoutes,
    control: (scoped, c) => {
      setupRoutes(scoped, c);
      runRoutes(scoped, c);
    },
  });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parseChannelPath(req.url ?? '');
    if (!target) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    ctx.notifications.sockets?.handleUpgrade(req, socket, head, target.env, target.channelId);
  });
  await app.listen({ host, port: options.port ?? 0 });
  const addr = app.server.address();
  ctx.urls.port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  let seeded: SeededOrg[] = [];
  try {
    seeded = seedDoc ? applySeed(ctx, seedDoc) : [];
  } catch (err) {
    await app.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: ctx.urls.http,
    port: ctx.urls.port,
    control: new EmulatorControl(ctx.urls.http),
    seeded,
    stop() {
      stopping ??= (async () => {
        ctx.dialer.stop();
        ctx.botCaller.stop();
        ctx.scheduler.stop();
        ctx.notifications.sockets?.closeAll();
        ctx.eventBridge.close();
        await app.close();
      })();
      return stopping;
    },
  };
}
