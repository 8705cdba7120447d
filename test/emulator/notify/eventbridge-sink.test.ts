/**
 * The emulator's EventBridge sink: every conversation notification of the
 * org is POSTed in the AWS envelope (no WebSocket subscription needed), with
 * the API-key header, and a non-2xx answer is retried and logged.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { until } from '../../helpers/until.js';

type Envelope = { version: string; id: string; 'detail-type': string; source: string; account: string; region: string; time: string; resources: unknown[]; detail: { topicName: string; version: string; eventBody: { id?: string }; metadata: { CorrelationId: string }; timestamp: string } };

let emu: RunningEmulator;
const got: { key: string | undefined; body: Envelope }[] = [];
let failFirst = 1;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (failFirst-- > 0) return void res.writeHead(500).end();
    got.push({ key: req.headers['x-sink-key'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString()) as Envelope });
    res.writeHead(202).end();
  });
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
  emu = await startEmulator({ idSeed: 'eventbridge-sink', speed: 1, seed: { orgs: [{ name: 'EB', users: [{ name: 'Ann' }], queues: [{ name: 'Q' }], eventBridge: { url, header: 'x-sink-key', secret: 'sink-secret', topics: ['v2.users.{id}.conversations.calls'] } }] } });
});
afterAll(async () => {
  await emu?.stop();
  server.close();
});

describe('EventBridge sink', () => {
  it('POSTs the user conversation notifications in the AWS envelope, retrying a failed delivery', async () => {
    const org = emu.seeded[0]!;
    const ann = org.users[0]!.id;
    const call = await emu.control.startCall(org.orgId, { scenario: 'inbound', agentIds: [ann], queueId: org.queues[0]!.id, durations: { ivrMs: 100, queueMs: 100, alertMs: 200, talkMs: 500, acwMs: 100 }, dialOut: { enabled: false } });
    await until(() => got.some((g) => g.body.detail.eventBody.id === call.conversationId), 10_000, 'a delivery');
    const e = got[0]!;
    expect(e.key).toBe('sink-secret');
    expect(e.body).toMatchObject({ version: '0', 'detail-type': 'v2.users.{id}.conversations.calls', source: `aws.partner/genesys.com/cloud/${org.orgId}/hookline`, account: '123456789012', region: 'us-east-1', resources: [] });
    expect(e.body.detail).toMatchObject({ topicName: `v2.users.${ann}.conversations.calls`, version: '2' });
    expect(e.body.detail.timestamp).toBe(e.body.time);
    // Only the filtered topic, though no channel subscribed anything.
    expect(got.every((g) => g.body['detail-type'] === 'v2.users.{id}.conversations.calls')).toBe(true);
    const retries = await emu.control.happenings({ kind: 'eventbridge.retry' });
    expect(retries).toEqual([expect.objectContaining({ orgId: org.orgId, reason: 'HTTP 500', attempt: 1 })]);
  }, 20_000);
});
