/**
 * Contract: Genesys's official JavaScript SDK (`purecloud-platform-client-v2`)
 * works against the emulator unchanged, pointed at it with `setGateway` (plain
 * http on loopback; see docs/emulator.md). It logs in with client credentials,
 * pages users and group members, opens a notification channel (the SDK has
 * no WebSocket helper, so the socket is `ws` on the channel's connectUri, as
 * Genesys's own samples do), reads analytics details and downloads a recording
 * with the SDK's defaults (formatId WEBM).
 */
import platformClient from 'purecloud-platform-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator, SeededOrg } from '../../src/emulator/index.js';
import { emulator, Listener, type Json } from './helpers.js';

let emu: RunningEmulator;
let org: SeededOrg;
let client: InstanceType<typeof platformClient.ApiClientClass>;
/** The held call the notification test makes; analytics and recordings read it afterwards. */
let conversationId: string;

const USERS = ['Ann', 'Ben', 'Cid', 'Dee', 'Eve'];
const MEMBERS = ['Ann', 'Cid', 'Dee'];

beforeAll(async () => {
  emu = await emulator({
    speed: 0,
    settings: { analytics: { availabilityLagMs: 1000 }, recordings: { transcodeDelayMs: 1000 } },
    seed: { orgs: [{ name: 'Sdk', users: USERS.map((name) => ({ name })), groups: [{ name: 'Monitored', members: MEMBERS }], queues: [{ name: 'Support' }], wrapupCodes: [{ name: 'Done' }] }] },
  });
  org = emu.seeded[0] as SeededOrg;
  client = new platformClient.ApiClientClass();
  client.setGateway(gatewayFor(org));
});
afterAll(() => emu.stop());

/** The emulator serves a region under `/r/<env>`: the gateway's API and login paths say so. */
function gatewayFor(o: SeededOrg): { host: string; protocol: string; port: number; path_params_api: string; path_params_login: string } {
  const api = new URL(o.apiUrl);
  return { host: api.hostname, protocol: 'http', port: Number(api.port), path_params_api: api.pathname, path_params_login: new URL(o.loginUrl).pathname };
}

/** Follows the SDK's entity listings page by page (pageCount, as Genesys documents). */
async function allPages<T>(page: (pageNumber: number) => Promise<{ entities?: T[]; pageCount?: number }>): Promise<{ entities: T[]; pages: number }> {
  const entities: T[] = [];
  let pages = 0;
  for (let n = 1; ; n++) {
    const p = await page(n);
    entities.push(...(p.entities ?? []));
    pages++;
    if (n >= (p.pageCount ?? 0)) return { entities, pages };
  }
}

describe('the official Genesys SDK against the emulator', () => {
  it('logs in with client credentials through the gateway', async () => {
    const clientCreds = org.clients[0] as { clientId: string; clientSecret: string };
    const auth = await client.loginClientCredentialsGrant(clientCreds.clientId, clientCreds.clientSecret);
    expect(auth.accessToken).toEqual(expect.any(String));
    await expect(new platformClient.ApiClientClass().loginClientCredentialsGrant(clientCreds.clientId, 'wrong')).rejects.toBeDefined();
  });

  it('pages users and group members', async () => {
    const users = new platformClient.UsersApi(client);
    const listed = await allPages((pageNumber) => users.getUsers({ pageSize: 2, pageNumber }));
    expect(listed.pages).toBe(3);
    expect(listed.entities.map((u) => u.id).sort()).toEqual(org.users.map((u) => u.id).sort());
    const group = org.groups[0] as { id: string; memberIds: string[] };
    const groups = new platformClient.GroupsApi(client);
    const members = await allPages((pageNumber) => groups.getGroupMembers(group.id, { pageSize: 2, pageNumber }));
    expect(members.pages).toBe(2);
    expect(members.entities.map((u) => u.name).sort()).toEqual(MEMBERS);
  });

  it('opens a notification channel, subscribes, and hears a held call (with startHoldTime) on the socket', async () => {
    const agent = org.users[0]?.id as string;
    const notifications = new platformClient.NotificationsApi(client);
    const channel = await notifications.postNotificationsChannels();
    const topic = `v2.users.${agent}.conversations.calls`;
    const subscribed = await notifications.putNotificationsChannelSubscriptions(channel.id as string, [{ id: topic }]);
    expect(subscribed.entities?.map((t) => t.id)).toEqual([topic]);
    const listener = await Listener.open(channel.connectUri as string);
    try {
      const call = await emu.control.startCall(org.orgId, { scenario: 'hold', agentIds: [agent], delayMs: 1000, durations: { ivrMs: 1000, queueMs: 1000, alertMs: 1000, talkMs: 8000, holdMs: 3000, acwMs: 2000 } });
      conversationId = call.conversationId;
      await emu.control.advance(call.finalMs - (await emu.control.clock()).now + 2000);
      const held = await listener.waitFor((f) => f.topicName === topic && (f.eventBody as { participants: Json[] }).participants.some((p) => p.held === true), 3000, 'a held snapshot');
      const customer = (held.eventBody as { participants: Json[] }).participants.find((p) => p.purpose === 'customer') as Json;
      expect(customer.startHoldTime).toEqual(expect.any(String));
    } finally {
      listener.close();
    }
  });

  it('reads analytics details, by id and by query', async () => {
    const agent = org.users[0]?.id as string;
    const analytics = new platformClient.AnalyticsApi(client);
    const details = await analytics.getAnalyticsConversationDetails(conversationId);
    expect(details.conversationId).toBe(conversationId);
    expect(details.participants?.find((p) => p.purpose === 'agent')?.userId).toBe(agent);
    const end = Date.parse(details.conversationEnd as string);
    const query = await analytics.postAnalyticsConversationsDetailsQuery({
      interval: `${new Date(end - 3_600_000).toISOString()}/${new Date(end + 60_000).toISOString()}`,
      paging: { pageSize: 25, pageNumber: 1 },
    });
    expect(query.conversations?.map((c) => c.conversationId)).toContain(conversationId);
  });

  // The SDK's defaults ask for WEBM; the pre-signed mediaUri is fetched without the SDK, as Genesys's samples do.
  it('downloads a recording with the SDK defaults (Opus in WebM)', async () => {
    const recordings = new platformClient.RecordingApi(client);
    const list = await recordings.getConversationRecordings(conversationId);
    expect(list).toHaveLength(1);
    const rec = list[0] as { id: string; fileState?: string; mediaUris?: Record<string, { mediaUri?: string }> };
    expect(rec.fileState).toBe('AVAILABLE');
    expect(Object.keys(rec.mediaUris ?? {}).sort()).toEqual(['0', '1']);
    const one = await recordings.getConversationRecording(conversationId, rec.id);
    const res = await fetch(one.mediaUris?.S?.mediaUri as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/webm');
    const file = Buffer.from(await res.arrayBuffer());
    expect(file.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML magic
    expect(file.includes(Buffer.from('A_OPUS'))).toBe(true);
    expect(file.length).toBe(one.outputSizeInBytes);
  });
});
