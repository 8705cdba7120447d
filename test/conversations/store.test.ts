/**
 * The normalized conversation model on SQLite and PostgreSQL: replace the
 * subtree on every fetch, keep import state, reject malformed records.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/app/database.js';
import { ConversationStore, MalformedConversationError, normalize, type AnalyticsConversationLike } from '../../src/conversations/index.js';
import { dropPgSchema, pgUrlWithFreshSchema } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const pg = pgUrlWithFreshSchema();
afterAll(async () => {
  tmp.cleanup();
  await dropPgSchema(pg.schema);
});

const TENANT = 'd7934305-0972-4844-938e-9060eef73d05';

function call(extra: Partial<AnalyticsConversationLike> = {}): AnalyticsConversationLike {
  return {
    conversationId: '11111111-1111-4111-8111-111111111111',
    conversationStart: '2024-05-01T10:00:00.000Z',
    originatingDirection: 'inbound',
    divisionIds: ['d1'],
    participants: [
      {
        participantId: 'pc',
        purpose: 'customer',
        sessions: [{ sessionId: 's-c', mediaType: 'voice', direction: 'inbound', ani: 'tel:+1555', segments: [{ segmentType: 'interact', segmentStart: '2024-05-01T10:00:00.000Z' }], metrics: [{ name: 'nConnected', value: 1, emitDate: '2024-05-01T10:00:00.000Z' }] }],
      },
      {
        participantId: 'pa',
        purpose: 'agent',
        userId: 'ua',
        participantName: 'Alice',
        sessions: [
          {
            sessionId: 's-a',
            mediaType: 'voice',
            segments: [
              { segmentType: 'alert', segmentStart: '2024-05-01T10:00:35.000Z', segmentEnd: '2024-05-01T10:00:41.000Z' },
              { segmentType: 'interact', segmentStart: '2024-05-01T10:00:41.000Z' },
            ],
            metrics: [{ name: 'tAlert', value: 6000, emitDate: '2024-05-01T10:00:41.000Z' }],
          },
        ],
      },
    ],
    ...extra,
  };
}

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/t.db`],
  ['postgres', () => pg.url],
])('conversation store on %s', (_name, url) => {
  it('stores the tree, replaces it on re-fetch (ACW, evaluations, surveys arrive later) and keeps import state', async () => {
    const db = await openAppDatabase(url());
    const store = new ConversationStore(db);
    try {
      await store.replace(normalize(TENANT, call(), '2024-05-01T10:05:00.000Z'));
      let got = await store.get(TENANT, '11111111-1111-4111-8111-111111111111');
      expect(got?.participants).toHaveLength(2);
      expect(got?.segments).toHaveLength(3);
      expect(got?.metrics.map((m) => m.name).sort()).toEqual(['nConnected', 'tAlert']);
      expect(await store.isImported(TENANT, '11111111-1111-4111-8111-111111111111')).toBe(false);
      await store.markImported(TENANT, '11111111-1111-4111-8111-111111111111', 1, '2024-05-01T10:06:00.000Z');

      const final = call({ conversationEnd: '2024-05-01T10:07:41.800Z', evaluations: [{ evaluationId: 'e1', evaluatorId: 'sup', userId: 'ua', evaluationStatus: 'Finished', oTotalScore: 87 }], surveys: [{ surveyId: 'sv1', surveyStatus: 'Finished', surveyPromoterScore: 9, surveyType: 'Web' }] });
      const agent = final.participants?.[1]?.sessions?.[0];
      if (agent) {
        agent.segments = [
          { segmentType: 'alert', segmentStart: '2024-05-01T10:00:35.000Z', segmentEnd: '2024-05-01T10:00:41.000Z' },
          { segmentType: 'interact', segmentStart: '2024-05-01T10:00:41.000Z', segmentEnd: '2024-05-01T10:07:41.800Z' },
          { segmentType: 'wrapup', segmentStart: '2024-05-01T10:07:41.800Z', segmentEnd: '2024-05-01T10:08:20.000Z', wrapUpCode: 'w1', wrapUpNote: 'done' },
        ];
      }
      await store.replace(normalize(TENANT, final, '2024-05-01T10:30:00.000Z'));
      got = await store.get(TENANT, '11111111-1111-4111-8111-111111111111');
      expect(got?.conversation.conversation_end).toBe('2024-05-01T10:07:41.800Z');
      expect(got?.segments).toHaveLength(4);
      expect(got?.segments.find((s) => s.segment_type === 'wrapup')).toMatchObject({ wrap_up_code: 'w1', wrap_up_note: 'done' });
      expect(got?.evaluations).toEqual([expect.objectContaining({ evaluation_id: 'e1', total_score: 87, status: 'Finished' })]);
      expect(got?.surveys).toEqual([expect.objectContaining({ survey_id: 'sv1', promoter_score: 9 })]);
      // Still imported: a re-fetch refreshes metadata without losing what was imported.
      expect(await store.isImported(TENANT, '11111111-1111-4111-8111-111111111111')).toBe(true);
      expect(JSON.parse(got?.conversation.raw ?? '{}').conversationEnd).toBe('2024-05-01T10:07:41.800Z');
      expect(await store.importedAmong(TENANT, ['11111111-1111-4111-8111-111111111111', 'nope'])).toEqual(new Set(['11111111-1111-4111-8111-111111111111']));
    } finally {
      await db.close();
    }
  });
});

describe.each([
  ['sqlite', () => `sqlite:${tmp.dir}/window.db`],
  ['postgres', () => pg.url],
])('late-attachments window on %s', (_name, url) => {
  it('lists imported conversations that started since a time, in (start, id) order, a page at a time, with their stored record', async () => {
    const db = await openAppDatabase(url());
    const store = new ConversationStore(db);
    const tenant = '8a1c3f4e-0000-4000-8000-000000000001';
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    try {
      // Ids 4 and 1 share a start: the page boundary between them must not skip or repeat either.
      const starts = ['2024-05-01T09:00:00.000Z', '2024-05-01T12:00:00.000Z', '2024-05-01T11:00:00.000Z', '2024-05-01T13:00:00.000Z', '2024-05-01T12:00:00.000Z'];
      for (const [n, start] of starts.entries()) {
        await store.replace(normalize(tenant, call({ conversationId: id(n), conversationStart: start, conversationEnd: start }), '2024-05-01T14:00:00.000Z'));
        // The third is not imported (yet): the import owns it.
        if (n !== 2) await store.markImported(tenant, id(n), 0, '2024-05-01T14:00:00.000Z');
      }
      await store.replace(normalize(TENANT, call({ conversationId: id(9), conversationStart: '2024-05-01T13:00:00.000Z' }), '2024-05-01T14:00:00.000Z'));
      await store.markImported(TENANT, id(9), 0, '2024-05-01T14:00:00.000Z');

      const since = '2024-05-01T10:00:00.000Z';
      const seen: string[] = [];
      for (let after: { start: string; id: string } | undefined; ; ) {
        const page = await store.importedStartedSince(tenant, since, after, 1);
        if (page.length === 0) break;
        expect(page).toHaveLength(1);
        seen.push(page[0]!.conversation_id);
        expect(JSON.parse(page[0]!.raw).conversationId).toBe(page[0]!.conversation_id);
        after = { start: page[0]!.conversation_start, id: page[0]!.conversation_id };
      }
      expect(seen).toEqual([id(1), id(4), id(3)]);
    } finally {
      await db.close();
    }
  });
});

describe('normalize', () => {
  it('rejects records that are not conversations, with the reason', () => {
    expect(() => normalize(TENANT, {} as AnalyticsConversationLike, 'x')).toThrow(MalformedConversationError);
    expect(() => normalize(TENANT, { ...call(), participants: 'nope' } as unknown as AnalyticsConversationLike, 'x')).toThrow(/participants is not an array/);
    const badMetric = call();
    badMetric.participants?.[0]?.sessions?.[0]?.metrics?.push({ name: 'tTalk', value: 'long' });
    expect(() => normalize(TENANT, badMetric, 'x')).toThrow(/metric/);
  });
});
