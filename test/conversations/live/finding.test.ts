/**
 * Guidance findings in the live model: one `guidance.triggered` event per
 * finding id, valid against the published schema, whatever the order against
 * the conversation's snapshots and however often the finding is re-delivered.
 */
import { describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../../src/app/database.js';
import { derive, EVENT_SCHEMAS, LiveStore, type CommonEvent, type FindingObservation, type LiveState, type Observation } from '../../../src/conversations/index.js';
import { MAX_FINDING_IDS } from '../../../src/conversations/live/state.js';
import { tempDir } from '../../helpers/tmp.js';
import { snapshots, START, timeline } from './scripted.js';

const now = () => START + 3_600_000;
const ctx = { tenant: 'org', now };
const ID = 'c0ffee00-0000-4000-8000-0000000000f1';

const finding = (over: Partial<FindingObservation> = {}): Observation => ({
  kind: 'finding',
  conversationId: ID,
  finding: { id: 's1:silence:long-silence:12520-17520', rule: 'long-silence', kind: 'silence', startMs: 12520, endMs: 17520, evidence: { seconds: 5 }, agent: { userId: 'ua', name: 'A' }, source: 'live', firedAt: '2024-05-01T10:01:00.000Z', ...over },
});

function run(obs: Observation[], from?: LiveState): { state: LiveState | undefined; events: CommonEvent[] } {
  let s = from;
  const events = obs.flatMap((o) => {
    const d = derive(s, o, ctx);
    s = d.state;
    return d.events;
  });
  return { state: s, events };
}

const snaps = () => snapshots(timeline('inbound', ID)).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot }));

describe('guidance findings in the live model', () => {
  it('a finding makes one guidance.triggered event, valid against its schema', () => {
    const { events } = run([finding()]);
    expect(events).toHaveLength(1);
    const e = EVENT_SCHEMAS['guidance.triggered'].parse(events[0]);
    expect(e).toMatchObject({ seq: 1, tenant: 'org', conversationId: ID, rule: 'long-silence', kind: 'silence', startMs: 12520, endMs: 17520, evidence: { seconds: 5 }, agent: { userId: 'ua', name: 'A' }, source: 'live', occurredAt: '2024-05-01T10:01:00.000Z' });
    expect(e).not.toHaveProperty('party');
  });

  it('a re-delivered finding (same id) makes no second event; another id does', () => {
    const { state, events } = run([finding(), finding(), finding({ id: 'other' })]);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(state?.findings).toEqual(['s1:silence:long-silence:12520-17520', 'other']);
  });

  it('remembers at most MAX_FINDING_IDS ids (the newest)', () => {
    const many = Array.from({ length: MAX_FINDING_IDS + 5 }, (_, i) => finding({ id: `f${i}` }));
    const { state, events } = run(many);
    expect(events).toHaveLength(MAX_FINDING_IDS + 5);
    expect(state?.findings).toHaveLength(MAX_FINDING_IDS);
    expect(state?.findings?.[0]).toBe('f5');
  });

  it('between snapshots: numbered in sequence, and the conversation is still created by its first snapshot', () => {
    const s = snaps();
    const interleaved = [finding(), ...s.slice(0, 3), finding({ id: 'later', kind: 'phrase', party: 'customer', evidence: { phrase: 'cancel my contract', text: 'cancel my contract' } }), ...s.slice(3)];
    const { events } = run(interleaved);
    const alone = run(s).events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type !== 'guidance.triggered').map((e) => e.type)).toEqual(alone.map((e) => e.type));
    expect(events.filter((e) => e.type === 'conversation.created')).toHaveLength(1);
    expect(events[0]?.type).toBe('guidance.triggered');
    expect(events[1]?.type).toBe('conversation.created');
    expect(events.find((e) => e.type === 'guidance.triggered' && e.kind === 'phrase')).toMatchObject({ party: 'customer' });
  });

  it('the live store records one event for a finding applied twice (a retry after a lost answer)', async () => {
    const tmp = tempDir();
    const db = await openAppDatabase(`sqlite:${tmp.dir}/live.db`);
    try {
      const store = new LiveStore(db, { now });
      expect(await store.apply('org', finding())).toHaveLength(1);
      expect(await store.apply('org', finding())).toEqual([]);
      expect((await store.events('org', ID)).map((e) => e.type)).toEqual(['guidance.triggered']);
    } finally {
      await db.close();
      tmp.cleanup();
    }
  });
});

