/**
 * What the fault suite counts, from outside the replicas (straight to the
 * shared services, never through the proxies it cuts):
 *
 * - import writes: a trigger on the suite's own schema records every write
 *   that marks a conversation imported — a re-import after a redelivery is a
 *   second write even though the row count stays one;
 * - analysis hand-offs: a test consumer drains `<namespace>-analysis` and
 *   counts the messages per conversation;
 * - work still queued: messages (ready + unacknowledged) in the namespace's
 *   ingest queues, so the suite knows when the pipeline has gone quiet.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { Connection, type Consumer } from 'rabbitmq-client';
import { mainQueue } from '../../src/platform/queue/rabbit-topology.js';
import { AMQP_URL, PG_URL } from '../helpers/services.js';

const run = promisify(execFile);

/** Counts the writes that set `conversations.imported_at`, per conversation. */
export class ImportWrites {
  private constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
  ) {}

  /** Installs the audit table and trigger; the schema's migrations must have run. */
  static async install(schema: string): Promise<ImportWrites> {
    const client = new pg.Client({ connectionString: PG_URL, application_name: 'hookline-fault-suite-observer' });
    await client.connect();
    const s = `"${schema}"`;
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.fault_import_writes (conversation_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE OR REPLACE FUNCTION ${s}.fault_count_import() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${s}.fault_import_writes (conversation_id) VALUES (NEW.conversation_id);
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS fault_count_import ON ${s}.conversations;
      CREATE TRIGGER fault_count_import AFTER INSERT OR UPDATE OF imported_at ON ${s}.conversations
        FOR EACH ROW WHEN (NEW.imported_at IS NOT NULL) EXECUTE FUNCTION ${s}.fault_count_import();`);
    return new ImportWrites(client, schema);
  }

  /** Writes per conversation, for the ids asked about (absent = never imported). */
  async counts(ids: string[]): Promise<Map<string, number>> {
    const r = await this.client.query<{ conversation_id: string; n: string }>(
      `SELECT conversation_id, count(*) AS n FROM "${this.schema}".fault_import_writes WHERE conversation_id = ANY($1) GROUP BY conversation_id`,
      [ids],
    );
    return new Map(r.rows.map((row) => [row.conversation_id, Number(row.n)]));
  }

  /** Ends PostgreSQL sessions by application name: the clients see 57P01, as in a restart. */
  async terminate(applicationName: string): Promise<number> {
    const r = await this.client.query('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return Number((r.rows[0] as { n: string }).n);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

interface AnalysisMessage {
  tenant: string;
  conversationId: string;
}

/** Consumes the analysis queue and counts hand-offs per conversation and per message id. */
export class AnalysisTap {
  readonly perConversation = new Map<string, number>();
  readonly messageIds = new Map<string, number>();
  private consumer: Consumer | undefined;
  private constructor(private readonly connection: Connection) {}

  static async start(queue: string): Promise<AnalysisTap> {
    const tap = new AnalysisTap(new Connection({ url: AMQP_URL, connectionName: 'hookline-fault-suite-tap' }));
    await tap.connection.onConnect(10_000);
    // The consumer declares its queue (again on every reconnect): exactly as the
    // product does, or the broker refuses the inequivalent declaration.
    tap.consumer = tap.connection.createConsumer({ queue, queueOptions: mainQueue(queue), qos: { prefetchCount: 50 } }, (msg) => tap.count(msg.messageId, parse(msg.body)));
    await new Promise<void>((resolve, reject) => {
      tap.consumer!.once('ready', () => resolve());
      tap.consumer!.once('error', reject);
    });
    return tap;
  }

  private count(id: string | undefined, body: AnalysisMessage): void {
    this.perConversation.set(body.conversationId, (this.perConversation.get(body.conversationId) ?? 0) + 1);
    if (id) this.messageIds.set(id, (this.messageIds.get(id) ?? 0) + 1);
  }

  async close(): Promise<void> {
    await this.consumer?.close();
    await this.connection.close();
  }
}

function parse(body: unknown): AnalysisMessage {
  if (Buffer.isBuffer(body)) return JSON.parse(body.toString('utf8')) as AnalysisMessage;
  if (typeof body === 'string') return JSON.parse(body) as AnalysisMessage;
  return body as AnalysisMessage;
}

/** Messages (ready + unacknowledged) in the namespace's queues other than analysis and dead letters. */
export async function pendingWork(namespace: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '--no-table-headers', 'name', 'messages']);
  let n = 0;
  for (const line of stdout.split('\n')) {
    const [name, messages] = line.trim().split(/\s+/);
    if (!name?.startsWith(`${namespace}-`) || name.endsWith('.dead') || name === `${namespace}-analysis`) continue;
    n += Number(messages ?? 0);
  }
  return n;
}

/** Dead letters of the namespace's ingest queue: imports given up on. */
export async function deadLetters(namespace: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '--no-table-headers', 'name', 'messages']);
  for (const line of stdout.split('\n')) {
    const [name, messages] = line.trim().split(/\s+/);
    if (name === `${namespace}-ingest.dead`) return Number(messages ?? 0);
  }
  return 0;
}

/** Deletes every queue of the namespace (the suite's own, by its unique name). */
export async function deleteNamespaceQueues(namespace: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '--no-table-headers', 'name']);
  const connection = new Connection(AMQP_URL);
  try {
    for (const name of stdout.split('\n').map((l) => l.trim())) if (name.startsWith(`${namespace}-`)) await connection.queueDelete({ queue: name });
  } finally {
    await connection.close();
  }
}
