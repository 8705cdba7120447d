/**
 * What analytics can see: detail records trail the call by the availability
 * lag, so the view of every call is its record as of `now - lag` (and a call
 * whose start is not yet that old does not exist for analytics).
 */
import { analyticsRecord } from '../calls/analytics-record.js';
import type { Call, CallEngine } from '../calls/engine.js';

type Json = Record<string, unknown>;

export class AnalyticsView {
  constructor(
    private readonly calls: CallEngine,
    private readonly now: () => number,
    private readonly lagMs: () => number,
  ) {}

  asOf(): number {
    return this.now() - this.lagMs();
  }

  recordOf(call: Call, asOf: number, withAttributes = false): Json | undefined {
    return analyticsRecord(call.timeline, asOf, { evaluations: call.evaluations, surveys: call.surveys, withAttributes });
  }

  /** One org's conversation, or undefined while it is not (yet) indexed. */
  get(orgId: string, conversationId: string): Json | undefined {
    const call = this.calls.get(conversationId);
    if (!call || call.timeline.orgId !== orgId) return undefined;
    return this.recordOf(call, this.asOf());
  }

  /** Every indexed record of an org that could touch [from, to) (cheap pre-filter on the timeline). */
  records(orgId: string, asOf: number, from: number, to: number, withAttributes = false): Json[] {
    const out: Json[] = [];
    for (const call of this.calls.forOrg(orgId)) {
      const t = call.timeline;
      if (t.start > asOf || t.start >= to || (t.end <= asOf && t.end < from)) continue;
      const rec = this.recordOf(call, asOf, withAttributes);
      if (rec) out.push(rec);
    }
    return out;
  }
}
