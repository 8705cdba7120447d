/**
 * The connection probe Genesys runs when an AudioHook integration is enabled
 * or saved (Genesys AudioHook protocol docs, "Open transaction"): a real, signed session with nil conversation
 * and participant ids and no audio — open, then close(end). A failure keeps
 * the integration from becoming active.
 */
import { errorMessage } from '../../platform/util/error-message.js';
import { AudioHookClient, type ClientOptions } from '../../simulate/index.js';
import type { AudioHookTarget } from '../integrations/store.js';
import type { AudioHookEntry } from '../log/event-log.js';

export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

const timeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref())]);

export async function runProbe(target: AudioHookTarget, entry: AudioHookEntry, ids: { sessionId: string; correlationId: string }, limits: { openTimeoutMs: number; closeTimeoutMs: number }, nowIso: () => string, extra: Partial<ClientOptions> = {}): Promise<ProbeOutcome> {
  const client = new AudioHookClient({ ...extra, url: target.url, apiKey: target.apiKey, clientSecret: target.clientSecret, orgId: target.orgId, probe: true, ...ids });
  client.on('disconnect', (e: { reason: string; info?: string }) => entry.disconnects.push({ reason: e.reason, ...(e.info ? { info: e.info } : {}) }));
  client.on('protocolError', (e: { info: string }) => entry.protocolErrors.push(e.info));
  const outcome = await attempt(client, limits);
  entry.result = outcome.ok ? 'completed' : 'failed';
  if (!outcome.ok) entry.error = outcome.detail;
  if (client.httpStatus) entry.httpStatus = client.httpStatus;
  entry.closeReason = entry.disconnects.length > 0 ? 'disconnect' : 'end';
  entry.endedAt = nowIso();
  if (!client.socketClosed) client.terminate();
  return outcome;
}

async function attempt(client: AudioHookClient, limits: { openTimeoutMs: number; closeTimeoutMs: number }): Promise<ProbeOutcome> {
  try {
    await timeout(client.connect(), limits.openTimeoutMs, 'the WebSocket upgrade');
  } catch (err) {
    return { ok: false, detail: client.httpStatus ? `upgrade refused: HTTP ${client.httpStatus}` : errorMessage(err) };
  }
  const opened = new Promise<boolean>((resolve) => {
    client.once('opened', () => resolve(true));
    client.once('disconnect', () => resolve(false));
    client.once('socketClose', () => resolve(false));
    // A malformed answer fails the probe at once ("Connection probe error: Message is malformed").
    client.once('protocolError', () => resolve(false));
  });
  client.open();
  let ok: boolean;
  try {
    ok = await timeout(opened, limits.openTimeoutMs, 'opened');
  } catch (err) {
    return { ok: false, detail: errorMessage(err) };
  }
  if (!ok && client.core.protocolErrors.length > 0) return { ok: false, detail: `protocol error: ${client.core.protocolErrors.join('; ')}` };
  if (!ok) {
    const d = client.received.find((m) => m.type === 'disconnect');
    await client.waitForSocketClose(limits.closeTimeoutMs).catch(() => undefined);
    return { ok: false, detail: d ? `the server disconnected from the connection probe (${String(d.parameters.reason)}${d.parameters.info ? `: ${String(d.parameters.info)}` : ''})` : 'the socket closed before opened' };
  }
  client.close('end');
  try {
    await client.waitFor('closed', limits.closeTimeoutMs);
  } catch {
    return { ok: false, detail: 'the server did not answer close with closed' };
  }
  await client.waitForSocketClose(limits.closeTimeoutMs).catch(() => undefined);
  return client.core.protocolErrors.length > 0 ? { ok: false, detail: `protocol error: ${client.core.protocolErrors.join('; ')}` } : { ok: true, detail: 'connection probe succeeded' };
}
