/**
 * The Amazon EventBridge sink: what Genesys's `amazon-eventbridge-source`
 * integration plus an EventBridge rule with an API destination would POST.
 * Every conversation notification of an org with a sink (user conversation
 * snapshots and conversation detail events) goes to its URL in the AWS event
 * envelope (Genesys Cloud docs, "Amazon EventBridge integration"; the
 * GenesysCloudBlueprints EventBridge blueprints' sample events), whether a
 * WebSocket channel subscribed or not: EventBridge topic filters with `{id}`
 * cover every user and conversation.
 *
 * At least once: a non-2xx answer or a network error is retried with backoff
 * (real time: it is network I/O), a bounded number of times, in order per org.
 * Failures are in the emulator's log (`eventbridge.retry`, `eventbridge.dropped`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { EventLog } from '../log/event-log.js';
import { errorMessage } from '../../platform/util/error-message.js';

export const eventBridgeSinkSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL'),
  /** The API destination connection's API-key header and value. */
  header: z.string().min(1).default('x-hookline-eventbridge-key'),
  secret: z.string().min(1),
  /** The partner event source's suffix: `aws.partner/genesys.com/cloud/{orgId}/{suffix}`. */
  suffix: z.string().min(1).default('hookline'),
  /**
   * The integration's topic filters (`eventFilter`, with `{id}` as the
   * wildcard), e.g. `v2.users.{id}.conversations.calls`; absent: every
   * conversation topic.
   */
  topics: z.array(z.string().min(1)).optional(),
  account: z.string().default('123456789012'),
  region: z.string().default('us-east-1'),
});
export type EventBridgeSinkConfig = z.output<typeof eventBridgeSinkSchema>;
export type EventBridgeSinkInput = z.input<typeof eventBridgeSinkSchema>;

/** Delivery attempts per event, and the backoff between them (200 ms doubling, at most 5 s). */
const MAX_ATTEMPTS = 8;
const BASE_MS = 200;
const MAX_MS = 5_000;
/** Events waiting per org; beyond, new ones are dropped and logged. */
const MAX_QUEUED = 10_000;
const TIMEOUT_MS = 10_000;

/** `v2.users.{uuid}.conversations.calls` → `v2.users.{id}.conversations.calls`: the rule's `detail-type`. */
export function topicTemplate(topic: string): string {
  return topic.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}');
}

/** Only conversation topics go to EventBridge here (recordings and job availability do not). */
export function isForwarded(topic: string): boolean {
  return /^v2\.users\.[^.]+\.conversations(\.calls)?$/.test(topic) || topic.startsWith('v2.detail.events.conversation.');
}

export interface EventBridgeDeps {
  sink: (orgId: string) => EventBridgeSinkConfig | undefined;
  now: () => number;
  rng: Rng;
  log: EventLog;
}

interface Queue {
  items: string[];
  running: boolean;
}

export class EventBridgeSink {
  private readonly queues = new Map<string, Queue>();
  private readonly abort = new AbortController();

  constructor(private readonly d: EventBridgeDeps) {}

  wants(orgId: string, topic: string): boolean {
    const sink = this.d.sink(orgId);
    return sink !== undefined && isForwarded(topic) && (sink.topics === undefined || sink.topics.includes(topicTemplate(topic)));
  }

  /** Queues the event in its envelope; delivery happens in the background. */
  offer(orgId: string, topic: string, eventBody: unknown): void {
    const sink = this.d.sink(orgId);
    if (!sink || !this.wants(orgId, topic) || this.abort.signal.aborted) return;
    const time = new Date(this.d.now()).toISOString();
    const envelope = {
      version: '0',
      id: this.d.rng.uuid(),
      'detail-type': topicTemplate(topic),
      source: `aws.partner/genesys.com/cloud/${orgId}/${sink.suffix}`,
      account: sink.account,
      time,
      region: sink.region,
      resources: [],
      detail: { topicName: topic, version: '2', eventBody, metadata: { CorrelationId: this.d.rng.uuid() }, timestamp: time },
    };
    let q = this.queues.get(orgId);
    if (!q) this.queues.set(orgId, (q = { items: [], running: false }));
    if (q.items.length >= MAX_QUEUED) {
      this.d.log.happening(time, 'eventbridge.dropped', { orgId, topic, reason: 'queue full' });
      return;
    }
    q.items.push(JSON.stringify(envelope));
    if (!q.running) void this.drain(orgId, q);
  }

  /** Events still waiting (tests wait for 0). */
  pending(orgId: string): number {
    const q = this.queues.get(orgId);
    return q ? q.items.length : 0;
  }

  close(): void {
    this.abort.abort();
    this.queues.clear();
  }

  private async drain(orgId: string, q: Queue): Promise<void> {
    q.running = true;
    try {
      while (q.items.length > 0 && !this.abort.signal.aborted) {
        await this.deliver(orgId, q.items[0] as string);
        q.items.shift();
      }
    } finally {
      q.running = false;
    }
  }

  private async deliver(orgId: string, body: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const sink = this.d.sink(orgId);
      if (!sink) return; // removed meanwhile
      let failure: string;
      try {
        const res = await fetch(sink.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', [sink.header]: sink.secret },
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(TIMEOUT_MS)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        failure = `HTTP ${res.status}`;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        failure = errorMessage(err);
      }
      const at = new Date(this.d.now()).toISOString();
      if (attempt >= MAX_ATTEMPTS) {
        this.d.log.happening(at, 'eventbridge.dropped', { orgId, reason: failure, attempts: attempt });
        return;
      }
      const delayMs = Math.min(MAX_MS, BASE_MS * 2 ** (attempt - 1));
      this.d.log.happening(at, 'eventbridge.retry', { orgId, reason: failure, attempt, delayMs });
      await sleep(delayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }
}
