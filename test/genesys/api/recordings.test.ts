/**
 * Recordings over loopback: 202 "still transcoding" as a typed result,
 * polling with backoff to a deadline, and streaming a 20 MB media file
 * without holding it in memory.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { GenesysApiError, GenesysTimeoutError } from '../../../src/genesys/index.js';
import { useFakeGenesys } from '../helpers/use-fake.js';

const fx = useFakeGenesys();
const client = fx.client;

const recording = (id: string, uris: Record<string, string>) => ({
  id,
  conversationId: 'conv-1',
  media: 'audio',
  fileState: 'AVAILABLE',
  mediaUris: Object.fromEntries(Object.entries(uris).map(([k, v]) => [k, { mediaUri: v }])),
});

describe('recordings', () => {
  it('reports 202 as "not ready" and 404 as "not there yet" without throwing', async () => {
    fx.fake.on('GET', '/api/v2/conversations/:id/recordings', (_req, reply) => reply.code(202).send());
    fx.fake.on('GET', '/api/v2/conversations/:id/recordings/:rid', (_req, reply) => reply.code(404).send({ code: 'not.found', status: 404 }));
    const gc = client();
    expect(await gc.recordings.list('conv-1', { formatId: 'WAV', maxWaitMs: 2000 })).toEqual({ ready: false, status: 202 });
    expect(await gc.recordings.get('conv-1', 'r1')).toEqual({ ready: false, status: 404 });
    expect(fx.fake.calls('GET', '/api/v2/conversations/conv-1/recordings')[0]?.query).toEqual({ formatId: 'WAV', maxWaitMs: '2000' });
  });

  it('polls 202 → 200 with backoff and returns the recordings', async () => {
    fx.fake.on('GET', '/api/v2/conversations/:id/recordings', (_req, reply, call) =>
      call <= 3 ? reply.code(202).send() : [recording('r1', { '0': 'https://x/0.wav', '1': 'https://x/1.wav' })],
    );
    const recs = await client().recordings.waitForList('conv-1', { formatId: 'WAV' });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ id: 'r1', annotations: [], users: [], mediaUris: { '0': { mediaUri: 'https://x/0.wav' } } });
    expect(fx.time.sleeps).toEqual([1500, 3000, 6000]);
  });

  it('gives up at the deadline without sleeping past it', async () => {
    fx.fake.on('GET', '/api/v2/conversations/:id/recordings/:rid', (_req, reply) => reply.code(202).send());
    const start = fx.time.now();
    const err = await client().recordings.waitFor('conv-1', 'r1', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysTimeoutError);
    expect(err).toMatchObject({ waitedMs: 10_000 });
    expect(fx.time.sleeps).toEqual([1500, 3000, 5500]);
    expect(fx.time.now() - start).toBe(10_000);
    expect(fx.fake.calls('GET', '/api/v2/conversations/conv-1/recordings/r1')).toHaveLength(4);
  });

  it('gets one recording (stereo "S") once transcoded, and reads metadata', async () => {
    fx.fake.on('GET', '/api/v2/conversations/:id/recordings/:rid', (_req, reply, call) => (call === 1 ? reply.code(202).send() : recording('r1', { S: 'https://x/s.ogg' })));
    fx.fake.on('GET', '/api/v2/conversations/:id/recordingmetadata', () => [{ id: 'r1', fileState: 'AVAILABLE' }]);
    const gc = client();
    const r = await gc.recordings.waitFor('conv-1', 'r1', { formatId: 'OGG_OPUS' });
    expect(r.mediaUris.S?.mediaUri).toBe('https://x/s.ogg');
    expect(await gc.recordings.metadata('conv-1')).toEqual([{ id: 'r1', fileState: 'AVAILABLE', annotations: [], users: [], associatedConversationIds: [] }]);
  });

  it('validates batch size and reads batch status', async () => {
    fx.fake.on('POST', '/api/v2/recording/batchrequests', () => ({ id: 'b1' }));
    fx.fake.on('GET', '/api/v2/recording/batchrequests/:id', () => ({ id: 'b1', status: 'Completed', expectedResultCount: 1, resultCount: 1 }));
    const gc = client();
    await expect(gc.recordings.submitBatch(Array.from({ length: 101 }, () => ({ conversationId: 'c' })))).rejects.toThrow(RangeError);
    expect(await gc.recordings.submitBatch([{ conversationId: 'c' }])).toBe('b1');
    expect(await gc.recordings.batchStatus('b1')).toMatchObject({ status: 'Completed', results: [] });
  });
});

describe('media download', () => {
  const TOTAL = 20 * 1024 * 1024;
  const CHUNK = 64 * 1024;
  const GATE_AT = 4 * 1024 * 1024;

  /** Deterministic, non-repeating-looking bytes for chunk number n. */
  function chunk(n: number): Buffer {
    const b = Buffer.allocUnsafe(CHUNK);
    let x = (n + 1) * 2654435761;
    for (let i = 0; i < CHUNK; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b.writeInt32LE(x | 0, i);
    }
    return b;
  }

  it('streams 20 MB: usable before the server has sent a quarter of it, bytes intact, no bearer token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let sent = 0;
    let serverHash = '';
    fx.fake.media = async (_req, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(TOTAL) });
      const hash = createHash('sha256');
      for (let n = 0; sent < TOTAL; n++) {
        if (sent === GATE_AT) await gate; // the client must be consuming before the rest exists
        const buf = chunk(n);
        hash.update(buf);
        sent += buf.length;
        if (!raw.write(buf)) await once(raw, 'drain');
      }
      serverHash = hash.digest('hex');
      raw.end();
    };
    const dl = await client().recordings.download(`${fx.fake.url}/media/rec-1.wav?X-Amz-Signature=abc`);
    expect(dl).toMatchObject({ contentType: 'audio/wav', contentLength: TOTAL });
    const hash = createHash('sha256');
    let got = 0;
    let sentWhenReading = -1;
    for await (const c of dl.stream as AsyncIterable<Buffer>) {
      hash.update(c);
      got += c.length;
      if (sentWhenReading < 0 && got >= 1024 * 1024) {
        sentWhenReading = sent;
        release();
      }
    }
    expect(sentWhenReading).toBeLessThanOrEqual(GATE_AT);
    expect(got).toBe(TOTAL);
    expect(hash.digest('hex')).toBe(serverHash);
    expect(fx.fake.mediaRequests).toEqual([{ path: '/media/rec-1.wav?X-Amz-Signature=abc', authorization: undefined }]);
  });

  it('retries the response head on 503, then fails a broken body as a stream error', async () => {
    fx.fake.media = async (req, reply, call) => {
      if (call === 1) return reply.code(503).send();
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(TOTAL) });
      reply.raw.write(chunk(0));
      setImmediate(() => req.raw.socket.destroy());
    };
    const dl = await client().recordings.download(`${fx.fake.url}/media/broken.wav`);
    const reading = (async () => {
      for await (const _ of dl.stream) void _;
    })();
    await expect(reading).rejects.toThrow();
    expect(fx.fake.mediaRequests).toHaveLength(2);
  });

  it('fails with a typed error when the media URL has expired', async () => {
    fx.fake.media = async (_req, reply) => reply.code(403).send('<Error>AccessDenied</Error>');
    const err = await client().recordings.download(`${fx.fake.url}/media/old.wav?sig=x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenesysApiError);
    expect(err).toMatchObject({ status: 403, request: { method: 'GET', path: '/media/old.wav' } });
  });
});
