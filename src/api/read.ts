/**
 * The read side: conversations (imported tree and live model merged) and the
 * event outbox of one tenant, paged by keyset. Every query is scoped by the
 * tenant the caller's token belongs to; nothing here knows about HTTP.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CommonEvent, ConversationStore, ConversationTables, LiveState, LiveStore } from '../conversations/index.js';
import type { Db } from '../platform/db/index.js';
import { conversationKey, decodeCursor, encodeCursor, eventKey } from './cursor.js';
import type { ConversationDetail, ConversationListQuery, ConversationSummary, EventListQuery } from './schemas.js';

interface Row {
  id: string;
  start: string;
  end: string | null;
  imported: boolean;
}

/** Free text as a LIKE pattern's literal part: its own %, _ and \\ match themselves. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `expr LIKE pattern` with the escape character said (SQLite has no default one; PostgreSQL's is the same backslash). */
const like = (expr: RawBuilder<unknown>, pattern: string) => sql<boolean>`${expr} like ${pattern} escape '\\'`;

const bool = (v: number | null): boolean | null => (v === null ? null : v !== 0);
const json = (v: string | null): unknown => (v === null ? null : JSON.parse(v));

function summary(r: Row, live: boolean): ConversationSummary {
  return { conversationId: r.id, state: r.imported ? 'imported' : live ? 'live' : 'ended', startedAt: r.start, endedAt: r.end };
}

/** Merges two lists sorted by (start, id). */
function merge(a: Row[], b: Row[]): Row[] {
  return [...a, ...b].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export interface ReadModelOptions {
  /**
   * Events are listed once they are this old. `recorded_at` is set by each
   * writer before its transaction commits, so an event can become visible
   * after a poller's cursor has passed its time; listing only settled events
   * keeps a cursor from skipping it (transactions and replica clock skew must
   * stay well under this).
   */
  eventsSettleMs?: number;
  now?: () => number;
}

/** Default settle time of the events listing (webhooks are the real-time path). */
export const EVENTS_SETTLE_MS = 2000;

export class ReadModel {
  private readonly k: Kysely<ConversationTables>;
  private readonly settleMs: number;
  private readonly now: () => number;

  constructor(db: Db, private readonly store: ConversationStore, private readonly live: LiveStore, o: ReadModelOptions = {}) {
    this.k = db.kysely.withTables<ConversationTables>();
    this.settleMs = o.eventsSettleMs ?? EVENTS_SETTLE_MS;
    this.now = o.now ?? Date.now;
  }

  async listConversations(tenant: string, q: ConversationListQuery): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor('cursor', q.cursor, conversationKey);
    const [stored, liveOnly] = await Promise.all([
      q.state === 'live' ? [] : this.storedPage(tenant, q, after),
      q.state === 'imported' ? [] : this.livePage(tenant, q, after),
    ]);
    // Each source gave its first limit+1 after the cursor: the merged first `limit` are the first overall.
    const all = merge(stored.map((r) => ({ ...r, live: false })), liveOnly.map((r) => ({ ...r, live: true })));
    const page = all.slice(0, q.limit) as (Row & { live: boolean })[];
    const last = page.at(-1);
    return {
      items: page.map((r) => summary(r, r.live && r.end === null)),
      nextCursor: all.length > q.limit && last ? encodeCursor([last.start, last.id]) : null,
    };
  }

  /** Conversations with an analytics record (imported, or being imported). */
  private async storedPage(tenant: string, q: ConversationListQuery, after: [string, string] | undefined): Promise<Row[]> {
    let s = this.k
      .selectFrom('conversations as c')
      .select(['c.conversation_id as id', 'c.conversation_start as start', 'c.conversation_end as end', 'c.imported_at'])
      .where('c.tenant_id', '=', tenant);
    if (q.state === 'imported') s = s.where('c.imported_at', 'is not', null);
    if (q.state === 'ended') s = s.where('c.imported_at', 'is', null);
    if (q.from) s = s.where('c.conversation_start', '>=', q.from);
    if (q.to) s = s.where('c.conversation_start', '<', q.to);
    if (q.agent) {
      const agent = q.agent;
      s = s.where(({ exists, selectFrom }) =>
        exists(selectFrom('participants as p').select('p.user_id').whereRef('p.tenant_id', '=', 'c.tenant_id').whereRef('p.conversation_id', '=', 'c.conversation_id').where('p.user_id', '=', agent)),
      );
    }
    if (q.q !== undefined) {
      const idPrefix = `${likeEscape(q.q.toLowerCase())}%`;
      const part = `%${likeEscape(q.q.toLowerCase())}%`;
      s = s.where(({ or, exists, selectFrom }) =>
        or([
          like(sql.ref('c.conversation_id'), idPrefix),
          exists(selectFrom('participants as p').select('p.participant_id').whereRef('p.tenant_id', '=', 'c.tenant_id').whereRef('p.conversation_id', '=', 'c.conversation_id').where(like(sql`lower(p.participant_name)`, part))),
          exists(
            selectFrom('sessions as s')
              .select('s.session_id')
              .whereRef('s.tenant_id', '=', 'c.tenant_id')
              .whereRef('s.conversation_id', '=', 'c.conversation_id')
              .where((eb) => eb.or([like(sql`lower(s.ani)`, part), like(sql`lower(s.dnis)`, part)])),
          ),
        ]),
      );
    }
    if (after) {
      const [start, id] = after;
      s = s.where((eb) => eb.or([eb('c.conversation_start', '>', start), eb.and([eb('c.conversation_start', '=', start), eb('c.conversation_id', '>', id)])]));
    }
    const rows = await s.orderBy('c.conversation_start').orderBy('c.conversation_id').limit(q.limit + 1).execute();
    return rows.map((r) => ({ id: r.id, start: r.start, end: r.end, imported: r.imported_at !== null }));
  }

  /** Conversations only the live model knows (no analytics record yet). Start: its first event. */
  private async livePage(tenant: string, q: ConversationListQuery, after: [string, string] | undefined): Promise<Row[]> {
    let inner = this.k
      .selectFrom('conversation_live as l')
      .select([
        'l.conversation_id as id',
        'l.ended_at as end',
        sql<string>`coalesce((select min(e.occurred_at) from conversation_events e where e.tenant_id = l.tenant_id and e.conversation_id = l.conversation_id), l.updated_at)`.as('start'),
      ])
      .where('l.tenant_id', '=', tenant)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('conversations as c').select('c.conversation_id').whereRef('c.tenant_id', '=', 'l.tenant_id').whereRef('c.conversation_id', '=', 'l.conversation_id'))),
      );
    // The live model holds no searchable names in columns: free text matches the id only here.
    if (q.q !== undefined) inner = inner.where(like(sql.ref('l.conversation_id'), `${likeEscape(q.q.toLowerCase())}%`));
    if (q.state === 'live') inner = inner.where('l.ended_at', 'is', null);
    if (q.state === 'ended') inner = inner.where('l.ended_at', 'is not', null);
    if (q.agent) {
      // The agent's id as the event's JSON spells it; a validated UUID holds no LIKE wildcard.
      const pattern = `%"userId":"${q.agent}"%`;
      inner = inner.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('conversation_events as e')
            .select('e.seq')
            .whereRef('e.tenant_id', '=', 'l.tenant_id')
            .whereRef('e.conversation_id', '=', 'l.conversation_id')
            .where('e.type', '=', 'agent.connected')
            .where('e.payload', 'like', pattern),
        ),
      );
    }
    let s = this.k.selectFrom(inner.as('x')).selectAll();
    if (q.from) s = s.where('x.start', '>=', q.from);
    if (q.to) s = s.where('x.start', '<', q.to);
    if (after) {
      const [start, id] = after;
      s = s.where((eb) => eb.or([eb('x.start', '>', start), eb.and([eb('x.start', '=', start), eb('x.id', '>', id)])]));
    }
    const rows = await s.orderBy('x.start').orderBy('x.id').limit(q.limit + 1).execute();
    return rows.map((r) => ({ id: r.id, start: r.start, end: r.end, imported: false }));
  }

  async getConversation(tenant: string, id: string): Promise<ConversationDetail | undefined> {
    const [tree, live, events] = await Promise.all([this.store.get(tenant, id), this.live.get(tenant, id), this.live.events(tenant, id)]);
    if (!tree && !live) return undefined;
    const c = tree?.conversation;
    const start = c?.conversation_start ?? events[0]?.occurredAt ?? live?.startedAt ?? '';
    const end = c?.conversation_end ?? live?.endedAt ?? null;
    const row: Row = { id, start, end, imported: (c?.imported_at ?? null) !== null };
    return {
      ...summary(row, !c && !live?.endedAt),
      importedAt: c?.imported_at ?? null,
      participants: (tree?.participants ?? []).map((p) => ({
        participantId: p.participant_id,
        purpose: p.purpose,
        userId: p.user_id,
        participantName: p.participant_name,
        teamId: p.team_id,
        externalContactId: p.external_contact_id,
        flaggedReason: p.flagged_reason,
        attributes: json(p.attributes),
      })),
      sessions: (tree?.sessions ?? []).map((s) => ({
        participantId: s.participant_id,
        sessionId: s.session_id,
        mediaType: s.media_type,
        direction: s.direction,
        ani: s.ani,
        dnis: s.dnis,
        sessionDnis: s.session_dnis,
        remote: s.remote,
        peerId: s.peer_id,
        provider: s.provider,
        edgeId: s.edge_id,
        protocolCallId: s.protocol_call_id,
        recording: bool(s.recording),
        requestedRoutings: json(s.requested_routings),
        usedRouting: s.used_routing,
        selectedAgentId: s.selected_agent_id,
        flow: json(s.flow),
        mediaEndpointStats: json(s.media_endpoint_stats),
      })),
      segments: (tree?.segments ?? []).map((g) => ({
        participantId: g.participant_id,
        sessionId: g.session_id,
        ordinal: Number(g.ordinal),
        segmentType: g.segment_type,
        segmentStart: g.segment_start,
        segmentEnd: g.segment_end,
        queueId: g.queue_id,
        groupId: g.group_id,
        wrapUpCode: g.wrap_up_code,
        wrapUpNote: g.wrap_up_note,
        wrapUpTags: json(g.wrap_up_tags),
        disconnectType: g.disconnect_type,
        conference: bool(g.conference),
        errorCode: g.error_code,
        properties: json(g.properties),
      })),
      metrics: (tree?.metrics ?? []).map((m) => ({ participantId: m.participant_id, sessionId: m.session_id, ordinal: Number(m.ordinal), name: m.name, value: Number(m.value), emitDate: m.emit_date })),
      recordings: (tree?.recordings ?? []).map((r) => ({
        recordingId: r.recording_id,
        objectKey: r.object_key,
        format: r.format,
        contentType: r.content_type,
        // PostgreSQL returns bigint columns as strings.
        size: Number(r.size),
        sha256: r.sha256,
        media: r.media,
        startTime: r.start_time,
        endTime: r.end_time,
        importedAt: r.imported_at,
      })),
      live: live ? liveView(live) : null,
      events,
    };
  }

  /** When the conversation started and ended, as the detail says; undefined when the tenant does not know it. */
  async conversationSpan(tenant: string, id: string): Promise<{ start: string; end: string | null } | undefined> {
    const c = await this.k.selectFrom('conversations').select(['conversation_start', 'conversation_end']).where('tenant_id', '=', tenant).where('conversation_id', '=', id).executeTakeFirst();
    if (c) return { start: c.conversation_start, end: c.conversation_end };
    const [live, events] = await Promise.all([this.live.get(tenant, id), this.live.events(tenant, id)]);
    if (!live) return undefined;
    const start = events[0]?.occurredAt ?? live.startedAt;
    return start === undefined ? undefined : { start, end: live.endedAt ?? null };
  }

  /** One imported recording's stored object; undefined when the tenant has no such recording. */
  async recording(tenant: string, conversationId: string, recordingId: string): Promise<{ objectKey: string; contentType: string | null; format: string } | undefined> {
    const r = await this.k
      .selectFrom('recordings')
      .select(['object_key', 'content_type', 'format'])
      .where('tenant_id', '=', tenant)
      .where('conversation_id', '=', conversationId)
      .where('recording_id', '=', recordingId)
      .executeTakeFirst();
    return r && { objectKey: r.object_key, contentType: r.content_type, format: r.format };
  }

  /** The tenant's latest imports, newest first. */
  async recentImports(tenant: string, limit: number): Promise<{ conversationId: string; startedAt: string; endedAt: string | null; importedAt: string }[]> {
    const rows = await this.k
      .selectFrom('conversations')
      .select(['conversation_id', 'conversation_start', 'conversation_end', 'imported_at'])
      .where('tenant_id', '=', tenant)
      .where('imported_at', 'is not', null)
      .orderBy('imported_at', 'desc')
      .orderBy('conversation_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ conversationId: r.conversation_id, startedAt: r.conversation_start, endedAt: r.conversation_end, importedAt: r.imported_at as string }));
  }

  async listEvents(tenant: string, q: EventListQuery): Promise<{ items: CommonEvent[]; nextCursor: string | null; hasMore: boolean }> {
    const settled = new Date(this.now() - this.settleMs).toISOString();
    let s = this.k.selectFrom('conversation_events').select(['conversation_id', 'seq', 'recorded_at', 'payload']).where('tenant_id', '=', tenant).where('recorded_at', '<=', settled);
    if (q.conversation) s = s.where('conversation_id', '=', q.conversation);
    if (q.type) s = s.where('type', '=', q.type);
    if (q.after !== undefined) {
      const [at, id, seq] = decodeCursor('after', q.after, eventKey);
      s = s.where((eb) =>
        eb.or([eb('recorded_at', '>', at), eb.and([eb('recorded_at', '=', at), eb.or([eb('conversation_id', '>', id), eb.and([eb('conversation_id', '=', id), eb('seq', '>', seq)])])])]),
      );
    }
    const rows = await s.orderBy('recorded_at').orderBy('conversation_id').orderBy('seq').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => JSON.parse(r.payload) as CommonEvent),
      nextCursor: last ? encodeCursor([last.recorded_at, last.conversation_id, last.seq]) : (q.after ?? null),
      hasMore: rows.length > q.limit,
    };
  }
}

/** The live state without the deriver's bookkeeping (pending transfers, seen surveys…). */
function liveView(s: LiveState): NonNullable<ConversationDetail['live']> {
  return {
    seq: s.seq,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    direction: s.direction,
    ani: s.ani,
    dnis: s.dnis,
    participants: s.participants.map(({ holdStarts: _h, consultParticipantId: _c, ...p }) => p),
    importedAt: s.importedAt,
  };
}
