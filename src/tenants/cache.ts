/**
 * An in-memory snapshot of every tenant (settings and API-key credentials) so
 * the audio path — authentication, gate policy, stream destinations — reads
 * local state only. Refreshed periodically from the database, where the CLI
 * and other replicas write.
 */
import type { Logger } from '../platform/logging/index.js';
import { errorMessage } from '../platform/util/error-message.js';
import type { Credential, Tenant } from './tenant.js';
import { normalizeOrgId, type TenantStore } from './store.js';

export class TenantCache {
  private tenants = new Map<string, Tenant>();
  private credentials = new Map<string, Credential>();
  private timer: NodeJS.Timeout | undefined;
  private loaded = false;
  private listeners: ((tenants: Tenant[]) => void)[] = [];

  constructor(private readonly store: TenantStore, private readonly log: Logger) {}

  async refresh(): Promise<void> {
    const [tenants, creds] = await Promise.all([this.store.listTenants(), this.store.loadCredentials()]);
    this.tenants = new Map(tenants.map((t) => [t.orgId, t]));
    this.credentials = new Map(creds.map((c) => [c.apiKey, c]));
    this.loaded = true;
    for (const l of this.listeners) l(tenants);
  }

  /** Loads now, then every `intervalMs`; a failed refresh keeps the last good snapshot. */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'tenant refresh failed; keeping the previous settings'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Called after every refresh with all tenants. */
  onRefresh(listener: (tenants: Tenant[]) => void): void {
    this.listeners.push(listener);
  }

  get ready(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.credentials.size;
  }

  tenant(orgId: string): Tenant | undefined {
    return this.tenants.get(normalizeOrgId(orgId));
  }

  all(): Tenant[] {
    return [...this.tenants.values()];
  }

  lookup(apiKey: string): Credential | undefined {
    return this.credentials.get(apiKey);
  }
}
