/**
 * Notification delivery faults, for testing consumers against what the
 * Genesys Cloud docs ("Notification service") leave open: delivery is at least
 * once and not ordered across topics, so a frame may come twice or after a
 * newer one. `duplicate` sends each matching frame twice (or with a
 * probability); `reorder` holds matching frames back for `windowMs` of virtual
 * time and then releases them newest first or shuffled. Both act on the frames
 * actually sent (the log records each send), and draw from a generator seeded
 * per fault, so the same requests give the same deliveries.
 */
import { z } from 'zod';
import { Rng } from '../core/rng.js';

export const deliveryFaultSchema = z.strictObject({
  kind: z.enum(['duplicate', 'reorder']),
  /** Only frames for this org's channels, or this one channel (neither: every channel). */
  orgId: z.string().optional(),
  channelId: z.string().optional(),
  /** duplicate: the chance that a frame is sent twice. */
  probability: z.number().min(0).max(1).default(1),
  /** reorder: how long (virtual ms) frames are held; the window opens at the first held frame. */
  windowMs: z.number().int().positive().max(3_600_000).default(1000),
  /** reorder: the order in which a window's frames are released. */
  order: z.enum(['newest-first', 'shuffle']).default('newest-first'),
  /** Seeds this fault's generator (default: its id). */
  seed: z.string().optional(),
});

export type DeliveryFaultSpec = z.input<typeof deliveryFaultSchema>;
export type DeliveryFault = z.infer<typeof deliveryFaultSchema> & { id: string; applied: number };

interface Armed {
  fault: DeliveryFault;
  rng: Rng;
}

export class DeliveryFaults {
  private armed: Armed[] = [];
  private n = 0;

  add(spec: z.infer<typeof deliveryFaultSchema>): DeliveryFault {
    const fault: DeliveryFault = { ...spec, id: `notification-fault-${++this.n}`, applied: 0 };
    this.armed.push({ fault, rng: new Rng(spec.seed ?? fault.id) });
    return fault;
  }

  list(): DeliveryFault[] {
    return this.armed.map((a) => ({ ...a.fault }));
  }

  clear(): void {
    this.armed = [];
  }

  /** The reorder fault for this channel, if any. */
  reorder(orgId: string, channelId: string): { fault: DeliveryFault; rng: Rng } | undefined {
    return this.armed.find((a) => a.fault.kind === 'reorder' && matches(a.fault, orgId, channelId));
  }

  /** True when this send should be repeated (draws once per matching duplicate fault). */
  duplicate(orgId: string, channelId: string): boolean {
    const a = this.armed.find((x) => x.fault.kind === 'duplicate' && matches(x.fault, orgId, channelId));
    if (!a || a.rng.next() >= a.fault.probability) return false;
    a.fault.applied++;
    return true;
  }
}

function matches(f: DeliveryFault, orgId: string, channelId: string): boolean {
  return (f.orgId === undefined || f.orgId === orgId) && (f.channelId === undefined || f.channelId === channelId);
}

/** A window's frames in release order: newest first, or a seeded shuffle (Fisher–Yates). */
export function releaseOrder<T>(items: T[], order: DeliveryFault['order'], rng: Rng): T[] {
  if (order === 'newest-first') return [...items].reverse();
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
