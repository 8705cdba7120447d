/**
 * What one tenant's credentials (or a compromised client) can make the
 * server do, over real sockets: metric series, log volume, disk, memory, the
 * spool and deep JSON (points 2, 3, 6, 7, 11 and 12 of the hardening issue).
 */
import { readFileSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../src/audio/index.js';
import { createLogger } from '../../src/platform/logging/index.js';
import { NS_PER_SECOND } from '../../src/protocol/audiohook/index.js';
import { findObjects } from '../helpers/objects.js';
import { openSession, startTestServer, until, type TestServer } from '../helpers/server.js';

class LogCapture extends Writable {
  bytes = 0;
  lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.bytes += chunk.length;
    for (const line of String(chunk).split('\n')) if (line) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  }
}

/** The audio bytes of a stored WAV. */
function wavData(path: string): Buffer {
  const buf = readFileSync(path);
  const w = parseWav(buf);
  return buf.subarray(w.dataOffset, w.dataOffset + w.dataBytes);
}

/** A frame whose bytes say which call sent it (never 0xFF, μ-law silence). */
const frame = (value: number) => Buffer.alloc(320, value);

describe('with one tenant\'s credentials', () => {
  let t: TestServer;
  const logs = new LogCapture();
  beforeAll(async () => {
    t = await startTestServer({ logging: { level: 'debug' } }, { log: createLogger({ level: 'debug' }, logs) });
  });
  afterAll(() => t.stop());

  async function closeAndFindRecording(c: ReturnType<TestServer['client']>, orgId = t.orgId): Promise<{ wav: string; sidecar: Record<string, unknown> }> {
    if (!c.received.some((m) => m.type === 'closed')) {
      c.close();
      await c.waitFor('closed');
    }
    const suffix = `${c.sessionId}.json`;
    const mine = () => findObjects(t.dir, suffix).filter((f) => f.includes(orgId));
    await until(() => mine().length === 1, 10_000, 'recording stored');
    const json = mine()[0] as string;
    return { wav: json.replace(/\.json$/, '.wav'), sidecar: JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> };
  }

  it('point 2: error codes from a client never become label values', async () => {
    const c = t.client();
    await openSession(c);
    for (let code = 1000; code < 1300; code++) c.sendCustom('error', { code, message: 'x' });
    c.sendCustom('error', { code: 408, message: 'Timed out waiting for opened response' });
    c.ping();
    await c.waitFor('pong');
    const text = await t.server.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('hookline_audiohook_client_errors_total{'));
    expect(series.length).toBeLessThanOrEqual(10);
    expect(await t.metric('hookline_audiohook_client_errors_total{code="other"}')).toBeGreaterThanOrEqual(300);
    expect(await t.metric('hookline_audiohook_client_errors_total{code="408"}')).toBeGreaterThanOrEqual(1);
    c.close();
    await c.waitFor('closed');
  });

  it('point 3: updates are logged at debug, without their parameters, and only the first few per session', async () => {
    const before = logs.bytes;
    const c = t.client();
    await openSession(c);
    const big = 'u'.repeat(8 * 1024);
    for (let i = 0; i < 300; i++) c.update({ language: 'fr-FR', note: big });
    c.ping();
    await c.waitFor('pong');
    c.close();
    await c.waitFor('closed');
    await until(() => logs.lines.some((l) => l.sessionId === c.sessionId && l.suppressed !== undefined), 5000, 'the suppressed count');
    const mine = logs.lines.filter((l) => l.sessionId === c.sessionId);
    const updates = mine.filter((l) => l.msg === 'update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(10);
    expect(updates.every((l) => l.level === 20)).toBe(true); // debug
    expect(JSON.stringify(mine)).not.toContain(big.slice(0, 100));
    // 2.4 MB of updates came in; the log grew by a few KB.
    expect(logs.bytes - before).toBeLessThan(64 * 1024);
  });

  for (const kind of ['discarded', 'resumed'] as const) {
    it(`point 6: a ${kind} claiming an hour is a protocol error, and no hour of silence is written`, async () => {
      const c = t.client();
      await openSession(c);
      for (let i = 0; i < 10; i++) c.tick(frame(1));
      c.sendCustom(kind, { start: 'PT0.2S', discarded: 'PT3600S' });
      const d = await c.waitFor('disconnect');
      expect(d.parameters.reason).toBe('error');
      await c.waitFor('closed');
      const { wav } = await closeAndFindRecording(c);
      expect(statSync(wav).size).toBeLessThan(64 * 1024);
    });
  }

  it('point 6: a discard within the session\'s time is still honoured as silence', async () => {
    const c = t.client();
    await openSession(c);
    for (let i = 0; i < 10; i++) c.tick(frame(1));
    c.discard(NS_PER_SECOND);
    for (let i = 0; i < 10; i++) c.tick(frame(1));
    c.close();
    await c.waitFor('closed');
    expect(c.received.some((m) => m.type === 'disconnect')).toBe(false);
    const { wav } = await closeAndFindRecording(c);
    expect(wavData(wav).length).toBe(320 * 20 + 8000 * 2);
  });

  it('point 7: the sidecar keeps the first events within its bounds and counts the rest', async () => {
    const c = t.client();
    await openSession(c);
    const pad = 'p'.repeat(2000);
    for (let i = 0; i < 1100; i++) c.update({ i, pad });
    c.ping();
    await c.waitFor('pong', 15_000);
    const { sidecar } = await closeAndFindRecording(c);
    const events = sidecar.events as unknown[];
    expect(events.length).toBeLessThan(1100);
    expect(JSON.stringify(events).length).toBeLessThanOrEqual(256 * 1024 + 4096);
    expect(sidecar.eventsDropped).toBe(1100 - events.filter((e) => (e as { type: string }).type === 'update').length);
  });

  it('point 11: two tenants\' sessions with the same id both keep their own recording', async () => {
    const a = t.client();
    const b = t.client({ apiKey: t.otherKey, orgId: t.otherOrgId, sessionId: a.sessionId });
    await openSession(a);
    await openSession(b);
    for (let i = 0; i < 25; i++) {
      a.tick(frame(0x11));
      b.tick(frame(0x22));
    }
    a.close();
    b.close();
    await Promise.all([a.waitFor('closed'), b.waitFor('closed')]);
    const ra = await closeAndFindRecording(a, t.orgId);
    const rb = await closeAndFindRecording(b, t.otherOrgId);
    const da = wavData(ra.wav);
    const db = wavData(rb.wav);
    expect(da.length).toBe(25 * 320);
    expect(db.length).toBe(25 * 320);
    expect(da.every((x) => x === 0x11)).toBe(true);
    expect(db.every((x) => x === 0x22)).toBe(true);
  });

  it('point 12: deep JSON in an update ends the session with disconnect error, and the recording survives', async () => {
    const c = t.client();
    await openSession(c);
    for (let i = 0; i < 10; i++) c.tick(frame(3));
    // Written by hand: JSON.stringify itself would overflow on 20,000 levels. Only `open` (seq 1) was sent so far.
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    c.sendRaw(`{"version":"2","id":"${c.sessionId}","type":"update","seq":2,"serverseq":1,"position":"PT0.2S","parameters":{"x":${deep}}}`);
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toMatchObject({ reason: 'error', info: 'JSON nested too deeply' });
    await c.waitFor('closed');
    const { wav } = await closeAndFindRecording(c);
    expect(wavData(wav).length).toBe(10 * 320);
  });

  it('point 12: deep JSON in open.customConfig is refused before any session starts', async () => {
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const c = t.client({ customConfig: deep as Record<string, unknown> });
    await c.connect();
    c.open();
    const d = await c.waitFor('disconnect');
    expect(d.parameters).toMatchObject({ reason: 'error', info: 'JSON nested too deeply' });
    expect(c.received.some((m) => m.type === 'opened')).toBe(false);
  });
});
