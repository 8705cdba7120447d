/**
 * Findings into the live conversation model: each one is applied to the live
 * store as a `finding` observation, which records one `guidance.triggered`
 * event in the conversation's outbox (the commit wakes the webhooks and the
 * console). Fire-and-forget for the caller (the analysis sink's drain loop);
 * a failed write is retried a few times with a short backoff and then logged.
 * The finding's id (rule, kind and offsets on the stream timeline, and the
 * session) is what the store de-duplicates by, so a retry whose first attempt
 * did commit never makes a second event.
 */
import type { FindingObservation, Observation } from '../conversations/index.js';
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Finding, FindingSink } from './types.js';

export interface FindingStore {
  apply(tenant: string, obs: Observation): Promise<unknown>;
}

export interface LiveFindingsOptions {
  live: FindingStore;
  log: Logger;
  /** Attempts per finding (the first included). */
  attempts?: number;
  /** Delay before the first retry, doubled each time. */
  retryMs?: number;
  now?: () => number;
  /** What analysed the audio: the live call (default) or the post-call analysis of its recording. */
  source?: 'live' | 'post-call';
  /** Called after each finding is recorded or given up on (metrics, tests). */
  onSettled?: (finding: Finding, recorded: boolean) => void;
}

/** Stable for one firing: the same finding delivered twice has the same id. */
export function findingId(f: Finding, sessionId?: string): string {
  const at = `${f.kind}:${f.rule}:${Math.round(f.startMs)}-${Math.round(f.endMs)}`;
  return (sessionId ? `${sessionId}:${at}` : at).toLowerCase();
}

export class LiveFindings implements FindingSink {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: LiveFindingsOptions) {}

  fire(tenant: string, conversationId: string, finding: Finding): void {
    const obs: Observation = { kind: 'finding', conversationId, finding: toObservation(finding, (this.o.now ?? Date.now)(), this.o.source ?? 'live') };
    const p = this.record(tenant, obs, finding).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every finding fired so far is recorded or given up on (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async record(tenant: string, obs: Observation, finding: Finding): Promise<void> {
    const attempts = this.o.attempts ?? 4;
    let delay = this.o.retryMs ?? 100;
    for (let i = 1; ; i++) {
      try {
        await this.o.live.apply(tenant, obs);
        this.o.onSettled?.(finding, true);
        return;
      } catch (err) {
        if (i >= attempts) {
          this.o.log.error({ orgId: tenant, rule: finding.rule, err: errorMessage(err) }, 'guidance finding not recorded');
          this.o.onSettled?.(finding, false);
          return;
        }
        this.o.log.warn({ orgId: tenant, rule: finding.rule, attempt: i, err: errorMessage(err) }, 'guidance finding not recorded yet: retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
        delay *= 2;
      }
    }
  }
}

function toObservation(f: Finding, now: number, source: 'live' | 'post-call'): FindingObservation {
  return {
    id: f.id ?? findingId(f),
    rule: f.rule,
    kind: f.kind,
    party: f.party,
    startMs: Math.round(f.startMs),
    endMs: Math.round(f.endMs),
    evidence: f.evidence,
    agent: f.agent,
    source,
    firedAt: new Date(now).toISOString(),
  };
}
