/**
 * The plugin interface: what a plugin module written for Hookline compiles
 * against. Types only, and self-contained (no import from the rest of
 * Hookline), so a plugin author can copy this one file. The meaning of every
 * hook, its timing and budget are in docs/plugins.md.
 *
 * A plugin module's default export is a `PluginFactory`. Hookline calls it once
 * at start with the `options` of its `plugins[]` entry in the configuration.
 */

/** Any value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A common conversation event (docs/events/<type>.v1.json describes every
 * type): the fields all types share, and the type-specific ones as unknown.
 */
export interface ConversationEvent {
  readonly version: number;
  /** conversation.created, participant.added, agent.connected, agent.transferred, agent.disconnected, conversation.updated, conversation.ended, conversation.imported */
  readonly type: string;
  /** The Genesys Cloud organization id. */
  readonly tenant: string;
  readonly conversationId: string;
  /** Position in the conversation's own event sequence, from 1, without gaps. */
  readonly seq: number;
  readonly occurredAt: string;
  /** What plugins attached before commit, by plugin name. */
  readonly enrichment?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly [field: string]: unknown;
}

/** The live model of one conversation (see src/conversations/live/state.ts for every field). */
export interface ConversationState {
  readonly tenant: string;
  readonly conversationId: string;
  /** The last recorded event's sequence number. */
  readonly seq: number;
  readonly startedAt?: string | undefined;
  readonly endedAt?: string | undefined;
  readonly participants: readonly {
    /** The Genesys participant id. */
    readonly id: string;
    /** customer, ivr, acd, agent, … */
    readonly purpose: string;
    readonly userId?: string | undefined;
    /** pending → connected → ended */
    readonly stage: string;
    readonly [field: string]: unknown;
  }[];
  /** What plugins kept in the state (enrich.state), by plugin name. */
  readonly enrichment?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
  readonly [field: string]: unknown;
}

/** A change of the live model about to be committed. Deeply frozen: return a verdict instead of mutating it. */
export interface ModelChange {
  readonly tenant: string;
  readonly conversationId: string;
  /** What caused it: a live notification snapshot, the analytics record merged by post-call ingest, or a guidance rule that fired (docs/guidance.md). */
  readonly source: 'snapshot' | 'analytics' | 'finding';
  /** The committed state before the change; undefined for a conversation seen for the first time. */
  readonly previous: ConversationState | undefined;
  /** The state the change commits. */
  readonly next: ConversationState;
  /** The events the change records, in sequence order (may be empty when only the state changes). */
  readonly events: readonly ConversationEvent[];
}

/** What a plugin attaches to the change, under its own name. At most 16 KiB of JSON per verdict. */
export interface Enrichment {
  /** Attached to every event of the change as `event.enrichment[pluginName]`. */
  events?: JsonObject;
  /** Kept in the conversation's state as `state.enrichment[pluginName]` (replacing what the plugin kept before). */
  state?: JsonObject;
}

/**
 * `veto`: the change is not committed (state and events stay as they were);
 * the reason is logged with the plugin's name. `enrich`: see Enrichment.
 * Returning nothing lets the change commit unchanged.
 */
export type PluginVerdict = { veto: string } | { enrich: Enrichment };

/** Structured logging (pino): an object of fields first, then the message. */
export interface PluginLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface PluginContext {
  /** Lines carry the plugin's name. */
  readonly log: PluginLogger;
  /**
   * Aborted when Hookline stops waiting: before-commit, when the budget is
   * spent (the change goes on without this plugin's verdict); after-commit,
   * when Hookline shuts down.
   */
  readonly signal: AbortSignal;
}

export interface HooklinePlugin {
  /** Letters, digits, `.`, `_`, `-` (at most 63); names the plugin in metrics, logs and `enrichment`. The config entry's `name` overrides it. */
  readonly name: string;
  /**
   * Runs before the change commits, within the plugin's budget
   * (`beforeCommitBudgetMs`, default 200 ms); the writer waits for it. Over
   * budget or throwing: the change commits without this plugin's verdict.
   * Called again for the same change after a veto or a lost write race:
   * keep it idempotent.
   */
  beforeCommit?(change: ModelChange, ctx: PluginContext): PluginVerdict | void | Promise<PluginVerdict | void>;
  /**
   * After the change committed, with the events it recorded (enriched), in
   * sequence order. Asynchronous: never waited for; one call at a time per
   * plugin, from a bounded queue (when it is full, batches are dropped and
   * counted).
   */
  afterCommit?(events: readonly ConversationEvent[], ctx: PluginContext): void | Promise<void>;
  /** At stop, after the live model drained and the after-commit queue emptied (or its grace ran out). */
  close?(): void | Promise<void>;
}

/** The default export of a plugin module. */
export type PluginFactory = (options: unknown, ctx: { log: PluginLogger }) => HooklinePlugin | Promise<HooklinePlugin>;
