/**
 * Which channel carries which topics. Pure. Minimal churn: a topic that stays
 * desired never moves; removed topics leave their channel; new topics fill
 * existing channels' spare room before a new channel is opened; a channel
 * left empty is retired.
 */
import { TopicLimitError } from '../errors.js';

export interface PlanLimits {
  /** Genesys Cloud docs, "Notification service": 1,000 per channel. */
  maxTopicsPerChannel: number;
  /** Genesys Cloud docs, "Notification service": 20 per OAuth client. */
  maxChannels: number;
}

export const GENESYS_LIMITS: PlanLimits = { maxTopicsPerChannel: 1_000, maxChannels: 20 };

export interface SlotTopics {
  slotId: string;
  topics: ReadonlySet<string>;
}

export interface SlotChange {
  slotId: string;
  topics: string[];
  added: string[];
  removed: string[];
}

export interface Plan {
  /** Existing slots that keep at least one topic (changed or not). */
  kept: SlotChange[];
  /** Topic lists for new slots. */
  created: string[][];
  /** Existing slots left without topics. */
  retired: string[];
}

export function planAssignment(current: readonly SlotTopics[], desired: Iterable<string>, limits: PlanLimits = GENESYS_LIMITS): Plan {
  const want = new Set(desired);
  const capacity = limits.maxTopicsPerChannel * limits.maxChannels;
  if (want.size > capacity) throw new TopicLimitError(want.size, capacity);

  const placed = new Set<string>();
  const kept = current.map((slot) => {
    const topics = [...slot.topics].filter((t) => want.has(t) && !placed.has(t));
    topics.forEach((t) => placed.add(t));
    return { slotId: slot.slotId, topics, added: [] as string[], removed: [...slot.topics].filter((t) => !want.has(t)) };
  });
  const fresh = [...want].filter((t) => !placed.has(t));
  let next = 0;
  for (const slot of kept) {
    while (next < fresh.length && slot.topics.length < limits.maxTopicsPerChannel) {
      const t = fresh[next++] as string;
      slot.topics.push(t);
      slot.added.push(t);
    }
  }
  const created: string[][] = [];
  while (next < fresh.length) {
    created.push(fresh.slice(next, next + limits.maxTopicsPerChannel));
    next += limits.maxTopicsPerChannel;
  }
  return {
    kept: kept.filter((s) => s.topics.length > 0),
    created,
    retired: kept.filter((s) => s.topics.length === 0).map((s) => s.slotId),
  };
}
