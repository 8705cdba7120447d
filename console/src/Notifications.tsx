/**
 * Notifications: the tenant's common events as they are committed
 * (GET /api/v1/events/stream, pushed, no polling), newest first, the last
 * MAX_SHOWN kept. guidance.triggered shows its rule, evidence and where on the
 * call it fired; other events one line each. A filter keeps one agent's calls'
 * events (among those on the page).
 */
import { useMemo, useState } from 'react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { streamText, useEventStream, type AgentRef, type CommonEvent } from './live-api.js';
import { PerTenant } from './TenantPicker.js';
import type { Me } from './api.js';

export function Notifications({ me }: { me: Me }) {
  return <PerTenant me={me} view={(v) => <Feed tenant={v.tenant} />} />;
}

/** Events kept on the page; older ones fall off (the Events page and the API have them all). */
export const MAX_SHOWN = 200;
const ALL = 'all';

/** The agents an event names (the API's `agent` filter matches the same fields). */
function agentsOf(e: CommonEvent): AgentRef[] {
  const out: AgentRef[] = [];
  for (const a of [e.agent, e.from, e.to ?? undefined, e.participant]) if (a?.userId) out.push(a);
  return out;
}

const key = (e: CommonEvent) => `${e.conversationId}:${e.seq}`;

/** m:ss on the call's audio timeline. */
const offset = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

function Feed({ tenant }: { tenant: string }) {
  const [events, setEvents] = useState<CommonEvent[]>([]);
  const [agents, setAgents] = useState<Map<string, string>>(new Map());
  const [agent, setAgent] = useState<string>(ALL);
  const stream = useEventStream('events/stream', tenant, {}, {
    event: (d) => {
      const e = d as CommonEvent;
      setEvents((list) => (list.some((x) => key(x) === key(e)) ? list : [e, ...list].slice(0, MAX_SHOWN)));
      const named = agentsOf(e);
      if (named.length > 0) {
        setAgents((m) => {
          if (named.every((a) => m.get(a.userId) === (a.name ?? a.userId))) return m;
          const next = new Map(m);
          for (const a of named) next.set(a.userId, a.name ?? next.get(a.userId) ?? a.userId);
          return next;
        });
      }
    },
  });
  const shown = useMemo(() => {
    if (agent === ALL) return events;
    // An agent's events, and the other events of the calls the agent is on (conversation.created names no agent).
    const calls = new Set(events.filter((e) => agentsOf(e).some((a) => a.userId === agent)).map((e) => e.conversationId));
    return events.filter((e) => calls.has(e.conversationId));
  }, [events, agent]);
  const options = [{ id: ALL, name: 'All agents' }, ...[...agents].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name))];
  return (
    <section aria-labelledby="feed-title">
      <div className="toolbar">
        <h2 id="feed-title">As they happen</h2>
        <Select className="react-aria-Select tenant-picker" selectedKey={agent} onSelectionChange={(k) => k !== null && setAgent(String(k))}>
          <Label>Agent</Label>
          <Button>
            <SelectValue />
            <span aria-hidden="true"> ▾</span>
          </Button>
          <Popover>
            <ListBox items={options}>{(o) => <ListBoxItem id={o.id}>{o.name}</ListBoxItem>}</ListBox>
          </Popover>
        </Select>
        <p role="status" className="stream-state">
          {streamText[stream]}
        </p>
      </div>
      {shown.length === 0 ? <p>No notifications yet. Events appear here as they happen.</p> : null}
      <div role="log" aria-label="Notifications, newest first">
        <ol className="notifications">
          {shown.map((e) => (
            <li key={key(e)} className={e.type === 'guidance.triggered' ? 'guidance' : undefined}>
              {e.type === 'guidance.triggered' ? <Guidance e={e} /> : <Compact e={e} />}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

function Meta({ e }: { e: CommonEvent }) {
  return (
    <span className="meta">
      {' '}
      · <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleTimeString()}</time> · <code>{e.conversationId}</code>
    </span>
  );
}

function Compact({ e }: { e: CommonEvent }) {
  const who = agentsOf(e)[0];
  return (
    <div>
      <strong>{e.type}</strong>
      {e.change ? ` (${e.change})` : ''}
      {who ? ` — ${who.name ?? who.userId}` : ''}
      <Meta e={e} />
    </div>
  );
}

function Guidance({ e }: { e: CommonEvent }) {
  return (
    <div>
      <strong>Guidance: {e.rule}</strong> ({e.kind}
      {e.party ? `, ${e.party}` : ''}){e.agent ? ` — ${e.agent.name ?? e.agent.userId}` : ''}
      <Meta e={e} />
      <dl>
        <dt>At</dt>
        <dd>
          {offset(e.startMs ?? 0)}–{offset(e.endMs ?? 0)} into the call ({e.source})
        </dd>
        {Object.entries(e.evidence ?? {}).map(([k, v]) => (
          <Evidence key={k} name={k} value={v} />
        ))}
      </dl>
    </div>
  );
}

function Evidence({ name, value }: { name: string; value: string | number | boolean }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{String(value)}</dd>
    </>
  );
}
