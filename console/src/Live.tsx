/**
 * Live: the tenant's calls in progress (GET /api/v1/live/calls/stream, pushed,
 * no polling): state, agent, duration (ticking here from startedAt), the gate's
 * decision, a level meter per channel and where the audio is forwarded.
 */
import { useEffect, useState } from 'react';
import { Cell, Column, Meter, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { streamText, useEventStream, type LiveCall, type LiveCallPatch } from './live-api.js';
import { PerTenant } from './TenantPicker.js';
import type { Me } from './api.js';

export function Live({ me }: { me: Me }) {
  return <PerTenant me={me} view={(v) => <Calls tenant={v.tenant} />} />;
}

/** The meters' scale: the API's floor (digital silence) to full scale. */
const FLOOR_DB = -96;

/** A patch for a call not seen yet (its first message may be a level): what it says, over neutral defaults. */
const fresh = (p: LiveCallPatch): LiveCall => ({ agent: null, state: 'admitted', gate: 'admitted', startedAt: new Date().toISOString(), levels: null, forwarded: [], ...p });

export function duration(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${m}:${ss}`;
}

/** The clock the durations tick on: local, once a second (no request is made). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function Calls({ tenant }: { tenant: string }) {
  const [calls, setCalls] = useState<Map<string, LiveCall>>(new Map());
  const now = useNow();
  const stream = useEventStream('live/calls/stream', tenant, {}, {
    snapshot: (d) => setCalls(new Map((d as { items: LiveCall[] }).items.map((c) => [c.conversationId, c]))),
    call: (d) => {
      const p = d as LiveCallPatch;
      setCalls((m) => {
        const next = new Map(m);
        const had = m.get(p.conversationId);
        next.set(p.conversationId, had ? { ...had, ...p } : fresh(p));
        return next;
      });
    },
    ended: (d) => {
      const { conversationId } = d as { conversationId: string };
      setCalls((m) => {
        if (!m.has(conversationId)) return m;
        const next = new Map(m);
        next.delete(conversationId);
        return next;
      });
    },
  });
  const rows = [...calls.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return (
    <section aria-labelledby="calls-title">
      <div className="toolbar">
        <h2 id="calls-title">Calls in progress</h2>
        <p role="status" className="stream-state">
          {streamText[stream]}
        </p>
      </div>
      {rows.length === 0 ? (
        <p>No calls in progress. A call appears here when its AudioHook session is held or admitted.</p>
      ) : (
        <Table aria-label="Calls in progress">
          <TableHeader>
            <Column isRowHeader>Conversation</Column>
            <Column>Agent</Column>
            <Column>State</Column>
            <Column>Gate</Column>
            <Column>Duration</Column>
            <Column>Levels</Column>
            <Column>Forwarded to</Column>
          </TableHeader>
          <TableBody items={rows}>
            {(c) => (
              <Row id={c.conversationId}>
                <Cell>
                  <code>{c.conversationId}</code>
                </Cell>
                <Cell>{c.agent ? (c.agent.name ?? c.agent.id) : '—'}</Cell>
                <Cell>
                  <span className={`state state-${c.state}`}>{c.state}</span>
                </Cell>
                <Cell>{c.gate}</Cell>
                <Cell>
                  <time dateTime={c.startedAt}>{duration(c.startedAt, now)}</time>
                </Cell>
                <Cell>
                  <div className="meters">
                    <Level label="Customer" call={c} value={c.levels?.customer ?? null} />
                    <Level label="Agent" call={c} value={c.levels?.agent ?? null} />
                  </div>
                </Cell>
                <Cell>{c.forwarded.length > 0 ? c.forwarded.join(', ') : '—'}</Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

/** One channel's level as an accessible meter (role meter, its value in dBFS); no channel or no audio yet: the floor. */
function Level({ label, call, value }: { label: string; call: LiveCall; value: number | null }) {
  const db = value ?? FLOOR_DB;
  const who = call.agent?.name ?? call.conversationId;
  return (
    <Meter className="react-aria-Meter level" aria-label={`${label} level, ${who}`} minValue={FLOOR_DB} maxValue={0} value={db} valueLabel={value === null ? 'no audio' : `${db.toFixed(1)} dBFS`}>
      {({ percentage, valueText }) => (
        <>
          {/* The meter's accessible name and value say this already (aria-label, aria-valuetext). */}
          <div className="level-head" aria-hidden="true">
            <span>{label}</span>
            <span className="level-value">{valueText}</span>
          </div>
          <div className="bar" aria-hidden="true">
            <div className="fill" style={{ width: `${percentage}%` }} />
          </div>
        </>
      )}
    </Meter>
  );
}
