/**
 * Conversations: search the tenant's conversations (GET /api/v1/conversations),
 * open one (GET /api/v1/conversations/{id}): participants, a segment timeline
 * (an SVG with a text alternative list), the live capture and the imported
 * recording side by side (GET …/capture, …/capture/{session}/media,
 * …/recordings/{id}/media), its post-call analysis (Analysis.tsx), and its events.
 * Everything through the documented API.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { Me } from './api.js';
import { conversationsApi, type CaptureSession, type ConversationDetail, type ConversationQuery, type ConversationState, type ConversationSummary } from './conversations-api.js';
import { AnalysisSection } from './Analysis.js';
import { PerTenant, message, when, type TenantView } from './TenantPicker.js';
import { seconds, timelineOf, type Timeline } from './timeline.js';

export function Conversations({ me }: { me: Me }) {
  return <PerTenant me={me} view={(v) => <ConversationsView {...v} />} />;
}

function ConversationsView({ tenant, admin, csrf }: TenantView) {
  const [open, setOpen] = useState<string | undefined>();
  return open ? <Detail tenant={tenant} id={open} admin={admin} csrf={csrf} onBack={() => setOpen(undefined)} /> : <Search tenant={tenant} onOpen={setOpen} />;
}

/** datetime-local (the browser's local time) to the API's ISO instant; '' stays unset. */
const instant = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

function Search({ tenant, onOpen }: { tenant: string; onOpen: (id: string) => void }) {
  const [form, setForm] = useState({ from: '', to: '', agent: '', state: '', q: '' });
  const [rows, setRows] = useState<ConversationSummary[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const query = useCallback(
    (): ConversationQuery => ({ from: instant(form.from), to: instant(form.to), agent: form.agent.trim() || undefined, state: (form.state || undefined) as ConversationState | undefined, q: form.q.trim() || undefined }),
    [form],
  );
  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await conversationsApi.list(tenant, { ...query(), cursor });
        setRows((prev) => (cursor ? [...(prev ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(undefined);
      } catch (err) {
        setError(message(err));
      }
    },
    [tenant, query],
  );
  // The first page once per tenant, unfiltered; later searches run on submit, not on each keystroke.
  useEffect(() => void load(), [tenant]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load();
  };
  const field = (name: keyof typeof form) => ({ id: `conv-${name}`, value: form[name], onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })) });
  return (
    <section aria-labelledby="conv-search-title">
      <h2 id="conv-search-title">Search</h2>
      <form className="search-form" role="search" aria-label="Conversations" onSubmit={submit}>
        <div className="field">
          <label htmlFor="conv-q">Text</label>
          <input className="react-aria-Input" type="search" aria-describedby="conv-q-help" {...field('q')} />
          <span id="conv-q-help" className="help">Conversation id (or its start), participant name, or phone number</span>
        </div>
        <div className="field">
          <label htmlFor="conv-from">Started from</label>
          <input className="react-aria-Input" type="datetime-local" {...field('from')} />
        </div>
        <div className="field">
          <label htmlFor="conv-to">Started before</label>
          <input className="react-aria-Input" type="datetime-local" {...field('to')} />
        </div>
        <div className="field">
          <label htmlFor="conv-agent">Agent (user id)</label>
          <input className="react-aria-Input" type="text" spellCheck={false} {...field('agent')} />
        </div>
        <div className="field">
          <label htmlFor="conv-state">State</label>
          <select className="react-aria-Input" {...field('state')}>
            <option value="">Any</option>
            <option value="live">Live</option>
            <option value="ended">Ended</option>
            <option value="imported">Imported</option>
          </select>
        </div>
        <button type="submit" className="react-aria-Button">
          Search
        </button>
      </form>
      {error ? <p role="alert">Could not search: {error}</p> : null}
      {!rows ? (
        <p role="status">Loading…</p>
      ) : rows.length === 0 ? (
        <p role="status">No conversations match.</p>
      ) : (
        <>
          <p role="status" className="visually-hidden">
            {rows.length} conversations shown
          </p>
          {/* Enter on a focused row opens it too (keyboard: Tab into the table, arrows, Enter). */}
          <Table aria-label="Conversations found" onRowAction={(key) => onOpen(String(key))}>
            <TableHeader>
              <Column isRowHeader>Conversation</Column>
              <Column>State</Column>
              <Column>Started</Column>
              <Column>Ended</Column>
              <Column>Action</Column>
            </TableHeader>
            <TableBody items={rows.map((r) => ({ ...r, id: r.conversationId }))}>
              {(r) => (
                <Row id={r.conversationId}>
                  <Cell>
                    <code>{r.conversationId}</code>
                  </Cell>
                  <Cell>{r.state}</Cell>
                  <Cell>{when(r.startedAt)}</Cell>
                  <Cell>{when(r.endedAt)}</Cell>
                  <Cell>
                    <Button aria-label={`Open ${r.conversationId}`} onPress={() => onOpen(r.conversationId)}>
                      Open
                    </Button>
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
          {next ? <Button onPress={() => void load(next)}>More</Button> : null}
        </>
      )}
    </section>
  );
}

function Detail({ tenant, id, admin, csrf, onBack }: { tenant: string; id: string; admin: boolean; csrf: string; onBack: () => void }) {
  const [detail, setDetail] = useState<ConversationDetail | undefined>();
  const [captures, setCaptures] = useState<CaptureSession[] | string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const load = useCallback(() => {
    conversationsApi.detail(tenant, id).then(
      (d) => {
        setDetail(d);
        setError(undefined);
      },
      (err: unknown) => setError(message(err)),
    );
    conversationsApi.captures(tenant, id).then(
      (r) => setCaptures(r.items),
      (err: unknown) => setCaptures(message(err)),
    );
  }, [tenant, id]);
  useEffect(load, [load]);
  // The view changed under the keyboard user's focus (the pressed row is gone): say where they are now.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="conv-detail-title" className="conversation">
      <div className="toolbar">
        <Button onPress={onBack}>Back to search</Button>
        <h2 id="conv-detail-title" ref={heading} tabIndex={-1}>
          Conversation <code>{id}</code>
        </h2>
        <Button onPress={load}>Refresh</Button>
      </div>
      {error ? <p role="alert">Could not load the conversation: {error}</p> : null}
      {!detail ? (
        error ? null : <p role="status">Loading…</p>
      ) : (
        <>
          <dl className="facts">
            <dt>State</dt>
            <dd>{detail.state}</dd>
            <dt>Started</dt>
            <dd>{when(detail.startedAt)}</dd>
            <dt>Ended</dt>
            <dd>{when(detail.endedAt)}</dd>
            <dt>Imported</dt>
            <dd>{when(detail.importedAt)}</dd>
          </dl>
          <Participants detail={detail} />
          <TimelineView timeline={timelineOf(detail, new Date().toISOString())} />
          <Recordings tenant={tenant} detail={detail} captures={captures} />
          <AnalysisSection tenant={tenant} id={id} admin={admin} csrf={csrf} />
          <Events detail={detail} />
        </>
      )}
    </section>
  );
}

interface ParticipantRow {
  id: string;
  purpose: string;
  name: string;
  userId: string;
  start: string | null;
  end: string | null;
}

function participantRows(d: ConversationDetail): ParticipantRow[] {
  if (d.participants.length > 0) {
    return d.participants.map((p) => {
      const segs = d.segments.filter((s) => s.participantId === p.participantId);
      const start = segs.map((s) => s.segmentStart).sort()[0] ?? null;
      const ends = segs.map((s) => s.segmentEnd).filter((e): e is string => e !== null).sort();
      return { id: p.participantId, purpose: p.purpose, name: p.participantName ?? '—', userId: p.userId ?? '—', start, end: ends.at(-1) ?? null };
    });
  }
  return (d.live?.participants ?? []).map((p) => ({ id: p.id, purpose: p.purpose, name: p.name ?? '—', userId: p.userId ?? '—', start: p.connectedTime ?? p.startTime ?? null, end: p.endTime ?? null }));
}

function Participants({ detail }: { detail: ConversationDetail }) {
  const rows = participantRows(detail);
  return (
    <section aria-labelledby="conv-participants-title">
      <h3 id="conv-participants-title">Participants</h3>
      {rows.length === 0 ? (
        <p>No participants known yet.</p>
      ) : (
        <Table aria-label="Participants">
          <TableHeader>
            <Column isRowHeader>Name</Column>
            <Column>Purpose</Column>
            <Column>User id</Column>
            <Column>Joined</Column>
            <Column>Left</Column>
          </TableHeader>
          <TableBody items={rows}>
            {(p) => (
              <Row id={p.id}>
                <Cell>{p.name}</Cell>
                <Cell>{p.purpose}</Cell>
                <Cell>
                  <code>{p.userId}</code>
                </Cell>
                <Cell>{when(p.start)}</Cell>
                <Cell>{when(p.end)}</Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

/** Segment types with a colour of their own (styles.css .seg-*); others are drawn as "other". */
const KNOWN_SEGMENTS = new Set(['interact', 'hold', 'alert', 'dialing', 'contacting', 'ivr', 'wrapup', 'system']);
const segClass = (type: string) => `seg seg-${KNOWN_SEGMENTS.has(type.toLowerCase()) ? type.toLowerCase() : 'other'}`;
const time = (iso: string) => new Date(iso).toLocaleTimeString();

const LANE_HEIGHT = 28;

function TimelineView({ timeline }: { timeline: Timeline | undefined }) {
  const now = new Date().toISOString();
  if (!timeline) {
    return (
      <section aria-labelledby="conv-timeline-title">
        <h3 id="conv-timeline-title">Timeline</h3>
        <p>No segments known yet.</p>
      </section>
    );
  }
  const types = [...new Set(timeline.lanes.flatMap((l) => l.bars.map((b) => b.type)))];
  return (
    <section aria-labelledby="conv-timeline-title">
      <h3 id="conv-timeline-title">Timeline</h3>
      <p id="conv-timeline-span">
        {time(timeline.start)} to {time(timeline.end)}; the list below the chart says the same in words.
      </p>
      <div className="timeline">
        <ul className="timeline-labels" aria-hidden="true">
          {timeline.lanes.map((l) => (
            <li key={l.participantId}>{l.label}</li>
          ))}
        </ul>
        <svg className="timeline-chart" role="img" aria-labelledby="conv-timeline-title conv-timeline-span" width="100%" height={timeline.lanes.length * LANE_HEIGHT} preserveAspectRatio="none">
          {timeline.lanes.map((l, i) =>
            l.bars.map((b, j) => (
              <rect key={`${l.participantId}-${j}`} className={segClass(b.type)} x={`${b.left * 100}%`} width={`${b.width * 100}%`} y={i * LANE_HEIGHT + 4} height={LANE_HEIGHT - 8}>
                <title>{`${l.label}: ${b.type} ${time(b.start)}–${b.end ? time(b.end) : 'now'}`}</title>
              </rect>
            )),
          )}
        </svg>
      </div>
      <ul className="legend" aria-label="Segment colours">
        {types.map((t) => (
          <li key={t}>
            <span className={`swatch ${segClass(t)}`} aria-hidden="true" /> {t}
          </li>
        ))}
      </ul>
      <h4 id="conv-segments-title">Segments</h4>
      <ul aria-labelledby="conv-segments-title" className="segments">
        {timeline.lanes.flatMap((l) =>
          l.bars.map((b, j) => (
            <li key={`${l.participantId}-${j}`} className={b.type.toLowerCase() === 'hold' ? 'segment-hold' : undefined}>
              {l.label}: <strong>{b.type}</strong> {time(b.start)}–{b.end ? time(b.end) : 'now'} ({seconds(b.start, b.end, now)} s)
            </li>
          )),
        )}
      </ul>
    </section>
  );
}

function Recordings({ tenant, detail, captures }: { tenant: string; detail: ConversationDetail; captures: CaptureSession[] | string | undefined }) {
  const id = detail.conversationId;
  return (
    <div className="players">
      <section aria-labelledby="conv-capture-title">
        <h3 id="conv-capture-title">Live capture</h3>
        {captures === undefined ? (
          <p role="status">Loading…</p>
        ) : typeof captures === 'string' ? (
          <p role="alert">Could not list the live captures: {captures}</p>
        ) : captures.length === 0 ? (
          <p>No live capture of this conversation.</p>
        ) : (
          <ul className="media-list">
            {captures.map((c) => (
              <li key={c.sessionId}>
                <p>
                  Session <code>{c.sessionId}</code>
                  {c.agentName ? `, agent ${c.agentName}` : ''}, opened {when(c.openedAt)}
                  {c.format ? ` (${c.format}, ${c.channels.join(' + ') || 'mono'})` : ''}
                </p>
                <audio controls preload="metadata" src={conversationsApi.captureUrl(tenant, id, c.sessionId)} aria-label={`Live capture, session ${c.sessionId}`} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="conv-recording-title">
        <h3 id="conv-recording-title">Imported recording</h3>
        {detail.recordings.length === 0 ? (
          <p>No imported recording{detail.importedAt ? '' : ' yet: the conversation is not imported'}.</p>
        ) : (
          <ul className="media-list">
            {detail.recordings.map((r) => (
              <li key={r.recordingId}>
                <p>
                  Recording <code>{r.recordingId}</code> ({r.format}, {Math.round(r.size / 1024)} KiB)
                </p>
                <audio controls preload="metadata" src={conversationsApi.recordingUrl(tenant, id, r.recordingId)} aria-label={`Imported recording ${r.recordingId}`} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Events({ detail }: { detail: ConversationDetail }) {
  return (
    <section aria-labelledby="conv-events-title">
      <h3 id="conv-events-title">Events</h3>
      {detail.events.length === 0 ? (
        <p>No events recorded.</p>
      ) : (
        <ol className="events" aria-labelledby="conv-events-title">
          {detail.events.map((e) => (
            <li key={e.seq}>
              <code>{e.type}</code> #{e.seq} at {when(e.occurredAt)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
