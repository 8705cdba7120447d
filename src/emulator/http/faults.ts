/**
 * Fault injection per route (docs/emulator.md, fault injection): 429 storms and 5xx answers, added
 * latency, connection resets and malformed JSON, each for the next N matching
 * requests or with a probability. Pure selection; the HTTP hook applies them.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import { routeMatches, type RouteKey } from './route-match.js';

export const faultSchema = z
  .strictObject({
    route: z.string().min(1).default('*'),
    kind: z.enum(['status', 'latency', 'reset', 'malformed']),
    /** 429 answers as the rate limiter does, with `Retry-After: retryAfterSeconds`. */
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
    latencyMs: z.number().int().min(0).max(120_000).default(1000),
    /** Applies to the next `count` matching requests… */
    count: z.number().int().positive().optional(),
    /** …or to each matching request with this probability (seeded). */
    probability: z.number().min(0).max(1).optional(),
    orgId: z.string().optional(),
    env: z.string().optional(),
  })
  .refine((f) => f.count === undefined || f.probability === undefined, { message: 'give count or probability, not both' });

export type FaultSpec = z.infer<typeof faultSchema>;
export interface Fault extends FaultSpec {
  id: string;
  applied: number;
}

export class FaultInjector {
  private faults: Fault[] = [];
  private n = 0;

  constructor(private readonly rng: Rng) {}

  add(spec: FaultSpec): Fault {
    const f: Fault = { ...spec, id: `fault-${++this.n}`, applied: 0 };
    this.faults.push(f);
    return f;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults to apply to this request; counted ones are used up. */
  select(key: RouteKey, ctx: { orgId?: string; env: string }): Fault[] {
    const hits: Fault[] = [];
    for (const f of this.faults) {
      if (f.env !== undefined && f.env !== ctx.env) continue;
      if (f.orgId !== undefined && f.orgId !== ctx.orgId) continue;
      if (!routeMatches(f.route, key)) continue;
      if (f.probability !== undefined && this.rng.next() >= f.probability) continue;
      f.applied++;
      hits.push(f);
      if (f.count !== undefined && f.applied >= f.count) this.faults = this.faults.filter((x) => x !== f);
    }
    return hits;
  }
}
