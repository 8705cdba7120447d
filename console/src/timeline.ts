/**
 * The segment timeline of a conversation, as data: one lane per participant,
 * each segment placed as a fraction of the conversation's span. From the
 * analytics segments when imported; from the live model's participant times
 * (connected, held) when that is all there is.
 */
import type { ConversationDetail } from './conversations-api.js';

export interface Bar {
  type: string;
  start: string;
  end: string | null;
  /** Fractions of the span, 0..1. */
  left: number;
  width: number;
}

export interface Lane {
  participantId: string;
  label: string;
  bars: Bar[];
}

export interface Timeline {
  start: string;
  end: string;
  lanes: Lane[];
}

interface Span {
  type: string;
  start: string;
  end: string | null;
}

const laneLabel = (purpose: string, name: string | null | undefined) => (name ? `${purpose}: ${name}` : purpose);

function spansFromAnalytics(d: ConversationDetail): { participantId: string; label: string; spans: Span[] }[] {
  return d.participants.map((p) => ({
    participantId: p.participantId,
    label: laneLabel(p.purpose, p.participantName),
    spans: d.segments
      .filter((s) => s.participantId === p.participantId)
      .sort((a, b) => a.segmentStart.localeCompare(b.segmentStart) || a.ordinal - b.ordinal)
      .map((s) => ({ type: s.segmentType, start: s.segmentStart, end: s.segmentEnd })),
  }));
}

function spansFromLive(d: ConversationDetail): { participantId: string; label: string; spans: Span[] }[] {
  return (d.live?.participants ?? []).map((p) => {
    const spans: Span[] = [];
    const start = p.connectedTime ?? p.startTime;
    if (p.startTime && p.connectedTime && p.startTime < p.connectedTime) spans.push({ type: 'alert', start: p.startTime, end: p.connectedTime });
    if (start) spans.push({ type: 'interact', start, end: p.heldSince ?? p.endTime ?? null });
    if (p.heldSince) spans.push({ type: 'hold', start: p.heldSince, end: p.endTime ?? null });
    return { participantId: p.id, label: laneLabel(p.purpose, p.name), spans };
  });
}

/** `now`: where an open segment (no end yet) ends. */
export function timelineOf(d: ConversationDetail, now: string): Timeline | undefined {
  const lanes = d.segments.length > 0 ? spansFromAnalytics(d) : spansFromLive(d);
  const all = lanes.flatMap((l) => l.spans);
  if (all.length === 0) return undefined;
  const start = all.reduce((m, s) => (s.start < m ? s.start : m), all[0]?.start ?? now);
  const end = all.reduce((m, s) => ((s.end ?? now) > m ? (s.end ?? now) : m), d.endedAt ?? start);
  const t0 = Date.parse(start);
  const total = Math.max(1, Date.parse(end) - t0);
  const frac = (iso: string) => Math.min(1, Math.max(0, (Date.parse(iso) - t0) / total));
  return {
    start,
    end,
    lanes: lanes.map((l) => ({
      participantId: l.participantId,
      label: l.label,
      bars: l.spans.map((s) => ({ ...s, left: frac(s.start), width: Math.max(0.002, frac(s.end ?? now) - frac(s.start)) })),
    })),
  };
}

/** Seconds between two instants, for the text alternative. */
export const seconds = (start: string, end: string | null, now: string): number => Math.round((Date.parse(end ?? now) - Date.parse(start)) / 1000);
