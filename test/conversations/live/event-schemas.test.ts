/**
 * docs/events/<type>.v1.json are generated from the zod schemas
 * (src/conversations/live/events.ts): this test fails when they drift.
 * Regenerate with UPDATE_EVENT_SCHEMAS=1 npx vitest run test/conversations/live/event-schemas.test.ts
 *
 * Produced events are checked against the published files with an
 * independent JSON Schema validator (Ajv, draft 2020-12), not with zod itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { derive, EVENT_TYPES, eventJsonSchema, type CommonEvent, type LiveState, type Observation } from '../../../src/conversations/index.js';
import { SCENARIOS } from '../../../src/emulator/calls/scenarios.js';
import { analytics, snapshots, START, timeline } from './scripted.js';

const file = (type: string) => new URL(`../../../docs/events/${type}.v1.json`, import.meta.url);
const text = (type: (typeof EVENT_TYPES)[number]) => `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`;

describe('event JSON Schemas', () => {
  it('docs/events matches the zod schemas', () => {
    for (const type of EVENT_TYPES) {
      if (process.env.UPDATE_EVENT_SCHEMAS === '1') writeFileSync(file(type), text(type));
      expect(readFileSync(file(type), 'utf8'), type).toBe(text(type));
    }
  });

  it('every event of every scenario (live, merged, with survey and evaluation) is valid against its published schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    formats.default(ajv);
    const validators = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(JSON.parse(readFileSync(file(t), 'utf8')) as object)]));
    const seen = new Set<string>();
    for (const scenario of SCENARIOS) {
      const t = timeline(scenario);
      const extras = { surveys: [{ eventTime: t.end, data: { surveyId: 's' } }], evaluations: [{ eventTime: t.end, data: { evaluationId: 'e' } }] };
      const obs: Observation[] = [...snapshots(t).map((x): Observation => ({ kind: 'snapshot', snapshot: x.snapshot })), { kind: 'analytics', conversation: analytics(t, extras), importedAt: new Date(START).toISOString() }];
      let state: LiveState | undefined;
      const events: CommonEvent[] = [];
      for (const o of obs) {
        const d = derive(state, o, { tenant: 'org', now: () => START });
        state = d.state;
        events.push(...d.events);
      }
      for (const e of JSON.parse(JSON.stringify(events)) as CommonEvent[]) {
        const validate = validators.get(e.type);
        expect(validate?.(e), `${scenario} ${e.type}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
        seen.add(e.type);
      }
    }
    // guidance.triggered comes from the analysis, not from the conversation's snapshots.
    expect([...seen].sort()).toEqual(EVENT_TYPES.filter((t) => t !== 'guidance.triggered').sort());
  });

  it('a guidance.triggered event is valid against its published schema, and one without its offsets is not', () => {
    const ajv = new Ajv2020({ strict: false });
    formats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(file('guidance.triggered'), 'utf8')) as object);
    const ok = {
      version: 1,
      tenant: 'org',
      conversationId: 'c',
      seq: 7,
      occurredAt: '2024-05-01T10:00:00.000Z',
      type: 'guidance.triggered',
      rule: 'cancel-intent',
      kind: 'phrase',
      party: 'customer',
      startMs: 12_400,
      endMs: 13_900,
      evidence: { phrase: 'cancel my contract', confidence: 0.8 },
      agent: { userId: 'u' },
      source: 'live',
    };
    expect(validate(ok), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...ok, startMs: undefined })).toBe(false);
    expect(validate({ ...ok, kind: 'mood' })).toBe(false);
  });

  it('a schema rejects an event of another type or without its sequence number', () => {
    const ajv = new Ajv2020({ strict: false });
    formats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(file('agent.connected'), 'utf8')) as object);
    const ok = { version: 1, tenant: 'org', conversationId: 'c', seq: 3, occurredAt: '2024-05-01T10:00:00.000Z', type: 'agent.connected', agent: { participantId: 'p', userId: 'u' } };
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, type: 'agent.disconnected' })).toBe(false);
    expect(validate({ ...ok, seq: undefined })).toBe(false);
  });
});
