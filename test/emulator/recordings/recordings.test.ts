/**
 * Recordings: 202 with an empty body while the call runs and transcodes, then
 * 200 with pre-signed media URIs served by the emulator (µ-law and PCM WAV,
 * Opus in WebM — the Genesys default), metadata with fileState, clear 400s for
 * formats the emulator cannot make, and batch downloads.
 */
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import OpusScript from 'opusscript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, ulawDecode } from '../../../src/audio/index.js';
import type { CallSummary, RunningEmulator, SeededOrg } from '../../../src/emulator/index.js';
import { api, channelWith, emulator, login, until, type Json } from '../helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let token: string;
let call: CallSummary;
const TRANSCODE = 15_000;
const SHORT = { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 12_000, acwMs: 5_000 };

beforeAll(async () => {
  emu = await emulator({ speed: 0, seed: { orgs: [{ name: 'Rec', users: [{ name: 'Alice' }], oauthClients: [{ name: 'one' }, { name: 'two' }] }] } });
  org = emu.seeded[0] as SeededOrg;
  token = await login(org);
  call = await emu.control.startCall(org.orgId, { durations: SHORT });
});
afterAll(() => emu.stop());

const recs = (q = 'formatId=WAV_ULAW&maxWaitMs=0') => api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings?${q}`);
const toEnd = async () => emu.control.advance(call.endMs - (await emu.control.clock()).now);

describe('recordings', () => {
  it('answers 202 with an empty body while the call runs and until the transcode delay has passed', async () => {
    const during = await recs();
    expect(during.status).toBe(202);
    expect(during.text).toBe('');
    const meta = (await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordingmetadata`)).body as Json[];
    expect(meta[0]).toMatchObject({ fileState: 'UPLOADING', conversationId: call.conversationId, region: 'mypurecloud.com' });
    expect(meta[0]?.mediaUris).toBeUndefined();
    await toEnd();
    expect((await recs()).status).toBe(202);
    await emu.control.advance(TRANSCODE - 1);
    expect((await recs()).status).toBe(202);
  });

  it('maxWaitMs waits on the virtual clock and answers 200 once the transcode completes', async () => {
    const timers = (await emu.control.clock()).pendingTimers;
    let answered = false;
    const pending = recs('formatId=WAV_ULAW&maxWaitMs=5000').finally(() => (answered = true));
    // The request must be parked on the virtual clock before time moves; otherwise it would be
    // answered 200 on arrival and the test would pass with maxWaitMs ignored.
    await until(async () => (await emu.control.clock()).pendingTimers > timers);
    expect(answered).toBe(false);
    await emu.control.advance(1);
    const res = await pending;
    expect(res.status).toBe(200);
    const [rec] = res.body as Json[];
    expect(rec).toMatchObject({ id: call.recordingId, fileState: 'AVAILABLE', media: 'audio', startTime: call.start, endTime: call.end, outputDurationMs: call.endMs - call.startMs });
    expect(Object.keys(rec?.mediaUris as Json).sort()).toEqual(['0', '1']);
  });

  it('serves the stereo µ-law file from the single-recording call, without a bearer token', async () => {
    const res = await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings/${call.recordingId}?formatId=WAV_ULAW`);
    const uri = ((res.body as Json).mediaUris as Record<string, { mediaUri: string }>).S?.mediaUri as string;
    expect(uri.startsWith(`${emu.url}/r/mypurecloud.com/media/`)).toBe(true);
    const file = Buffer.from(await (await fetch(uri)).arrayBuffer());
    const wav = parseWav(file);
    expect(wav).toMatchObject({ format: 'PCMU', channels: 2, rate: 8000 });
    expect(wav.dataBytes).toBe(((call.endMs - call.startMs) * 8) * 2);
    expect((res.body as Json).outputSizeInBytes).toBe(file.length);
    const data = file.subarray(wav.dataOffset);
    expect(data.some((b) => b !== 0xff)).toBe(true); // there is speech in it
  });

  it('serves PCM16 WAV and single channels; the channels are the stereo file split', async () => {
    const list = (await recs('formatId=WAV')).body as Json[];
    const uris = list[0]?.mediaUris as Record<string, { mediaUri: string }>;
    const mono = Buffer.from(await (await fetch(uris['0']?.mediaUri as string)).arrayBuffer());
    const w = parseWav(mono);
    expect(w).toMatchObject({ format: 'L16', channels: 1, rate: 8000 });
    expect(w.dataBytes).toBe((call.endMs - call.startMs) * 8 * 2);
    const single = (await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings/${call.recordingId}?formatId=WAV_ULAW`)).body as Json;
    const stereo = Buffer.from(await (await fetch(((single.mediaUris as Json).S as { mediaUri: string }).mediaUri)).arrayBuffer());
    const ulawList = (await recs()).body as Json[];
    const agent = Buffer.from(await (await fetch(((ulawList[0]?.mediaUris as Json)['1'] as { mediaUri: string }).mediaUri)).arrayBuffer());
    const s = parseWav(stereo);
    const a = parseWav(agent);
    const sData = stereo.subarray(s.dataOffset);
    const aData = agent.subarray(a.dataOffset);
    expect(aData.length * 2).toBe(sData.length);
    for (let i = 0; i < aData.length; i += 997) expect(aData[i]).toBe(sData[i * 2 + 1]);
  });

  it('serves Opus in WebM when no format is asked for (the Genesys default, WEBM), carrying the call audio', async () => {
    const list = await recs('maxWaitMs=0');
    expect(list.status).toBe(200);
    const uris = (list.body as Json[])[0]?.mediaUris as Record<string, { mediaUri: string }>;
    expect(uris['0']?.mediaUri).toMatch(/\/0\.webm\?format=WEBM&/);
    const single = await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings/${call.recordingId}`);
    expect(single.status).toBe(200);
    const res = await fetch(((single.body as Json).mediaUris as Record<string, { mediaUri: string }>).S?.mediaUri as string);
    expect(res.headers.get('content-type')).toBe('audio/webm');
    const webm = Buffer.from(await res.arrayBuffer());
    expect((single.body as Json).outputSizeInBytes).toBe(webm.length);
    const seconds = (call.endMs - call.startMs) / 1000;
    const decoded = await decodeWebm(webm);
    expect(decoded).toMatchObject({ mimeType: 'audio/webm; codecs="opus"', channels: 2 });
    expect(decoded.duration).toBeCloseTo(seconds, 1);
    // Every recorded sample comes back once the pre-skip is dropped, plus at most the padding.
    expect(decoded.pcm.length / 2).toBeGreaterThanOrEqual(seconds * 8000);
    expect(decoded.pcm.length / 2).toBeLessThan(seconds * 8000 + 160 + 52);
    // The same audio as the µ-law file, through a lossy codec: each channel correlates closely.
    const wavRes = await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings/${call.recordingId}?formatId=WAV_ULAW`);
    const wav = Buffer.from(await (await fetch(((wavRes.body as Json).mediaUris as Record<string, { mediaUri: string }>).S?.mediaUri as string)).arrayBuffer());
    const reference = ulawDecode(wav.subarray(parseWav(wav).dataOffset));
    for (const ch of [0, 1]) expect(correlation(channelOf(reference, 2, ch), channelOf(decoded.pcm, 2, ch)), `channel ${ch}`).toBeGreaterThan(0.9);
    const agent = await decodeWebm(Buffer.from(await (await fetch(uris['1']?.mediaUri as string)).arrayBuffer()));
    expect(agent.channels).toBe(1);
    expect(correlation(channelOf(reference, 2, 1), agent.pcm)).toBeGreaterThan(0.9);
  });

  it('refuses formats it cannot produce, and tampered or expired links', async () => {
    for (const q of ['formatId=MP3', 'formatId=OGG_OPUS', 'formatId=OGG_VORBIS']) {
      const res = await recs(q);
      expect(res.status, q).toBe(400);
      expect(String((res.body as Json).message)).toContain('WAV_ULAW');
    }
    expect((await recs('formatId=FLAC')).status).toBe(400);
    const none = (await recs('formatId=NONE')).body as Json[];
    expect(none[0]?.mediaUris).toBeUndefined();
    const uri = (((await recs()).body as Json[])[0]?.mediaUris as Record<string, { mediaUri: string }>)['0']?.mediaUri as string;
    expect((await fetch(uri.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    await emu.control.advance(3600_001);
    expect((await fetch(uri)).status).toBe(403);
    token = await login(org);
  });

  it('404s for unknown conversations and recordings; [] for a call nobody answered', async () => {
    expect((await api(org, token, 'GET', '/api/v2/conversations/00000000-0000-4000-8000-000000000000/recordings?formatId=WAV')).status).toBe(404);
    expect((await api(org, token, 'GET', `/api/v2/conversations/${call.conversationId}/recordings/nope?formatId=WAV`)).status).toBe(404);
    const abandoned = await emu.control.startCall(org.orgId, { scenario: 'abandon', durations: SHORT });
    await emu.control.advance(abandoned.finalMs - (await emu.control.clock()).now + TRANSCODE);
    const res = await api(org, token, 'GET', `/api/v2/conversations/${abandoned.conversationId}/recordings?formatId=WAV`);
    expect(res).toMatchObject({ status: 200, body: [] });
  });
});

/** PCM16 at 8 kHz decoded from a WebM/Opus file, the decoder's pre-skip removed, with what the container says. */
async function decodeWebm(file: Buffer): Promise<{ mimeType: string; channels: number; duration: number; pcm: Int16Array }> {
  const input = new Input({ source: new BufferSource(file), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  if (!track || track.codec !== 'opus') throw new Error('no Opus track');
  const decoder = new OpusScript(8000, track.numberOfChannels as 1 | 2);
  const chunks: Buffer[] = [];
  for await (const packet of new EncodedPacketSink(track).packets()) chunks.push(decoder.decode(Buffer.from(packet.data)));
  decoder.delete();
  const all = Buffer.concat(chunks);
  const preSkip = (312 / 6) * track.numberOfChannels; // 6.5 ms at 8 kHz
  const pcm = new Int16Array(all.buffer, all.byteOffset, all.length / 2).slice(preSkip);
  return { mimeType: await input.getMimeType(), channels: track.numberOfChannels, duration: await input.computeDuration(), pcm };
}

function channelOf(pcm: Int16Array, channels: number, ch: number): Int16Array {
  return pcm.filter((_, i) => i % channels === ch);
}

/** Pearson correlation over the common length. */
function correlation(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('recording events', () => {
  it('announces the available recording on each agent\'s recordings topic', async () => {
    const c = await emu.control.startCall(org.orgId, { durations: SHORT, delayMs: 1000 });
    const agent = c.participants.find((p) => p.purpose === 'agent')?.userId as string;
    const topic = `v2.users.${agent}.conversations.${c.conversationId}.recordings`;
    const { listener } = await channelWith(org, token, [topic]);
    await emu.control.advance(c.endMs - (await emu.control.clock()).now + TRANSCODE - 1);
    expect(listener.events(topic)).toEqual([]);
    await emu.control.advance(1);
    const e = await until(() => listener.events(topic)[0], 3000, 'recording event');
    const body = e.eventBody as { id: string; fileState: string; mediaUris: { channelId: string; mediaUri: string }[] };
    expect(body).toMatchObject({ id: c.recordingId, conversationId: c.conversationId, fileState: 'AVAILABLE' });
    expect((await fetch(body.mediaUris[0]?.mediaUri as string)).status).toBe(200);
    listener.close();
  });
});

describe('batch downloads', () => {
  it('fills results progressively, reports missing recordings, and is private to its client', async () => {
    const second = await emu.control.startCall(org.orgId, { durations: SHORT });
    const body = { batchDownloadRequestList: [{ conversationId: call.conversationId }, { conversationId: second.conversationId }, { conversationId: '00000000-0000-4000-8000-000000000000' }] };
    const job = (await api(org, token, 'POST', '/api/v2/recording/batchrequests', body)).body as { id: string };
    const get = async (t = token) => api(org, t, 'GET', `/api/v2/recording/batchrequests/${job.id}`);
    await emu.control.advance(1000);
    expect((await get()).body).toMatchObject({ expectedResultCount: 3, resultCount: 1, status: 'InProgress' });
    await emu.control.advance(second.endMs - (await emu.control.clock()).now + TRANSCODE);
    const done = (await get()).body as Json;
    expect(done).toMatchObject({ expectedResultCount: 3, resultCount: 3, errorCount: 1, status: 'Completed' });
    const results = done.results as Json[];
    expect(results.find((r) => r.conversationId === '00000000-0000-4000-8000-000000000000')?.errorMsg).toBe('Conversation not found');
    const file = await fetch(String(results.find((r) => r.conversationId === second.conversationId)?.resultUrl));
    expect(file.status).toBe(200);
    expect(parseWav(Buffer.from(await file.arrayBuffer())).channels).toBe(2);
    const otherToken = await login(org, org.clients[1]);
    expect((await get(otherToken)).status).toBe(404);
  });

  it('rejects more than 100 items', async () => {
    const list = Array.from({ length: 101 }, () => ({ conversationId: call.conversationId }));
    const res = await api(org, token, 'POST', '/api/v2/recording/batchrequests', { batchDownloadRequestList: list });
    expect(res.status).toBe(400);
    expect(String((res.body as Json).message)).toContain('100');
  });
});
