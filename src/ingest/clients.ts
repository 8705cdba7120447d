/**
 * One Genesys client per tenant, rebuilt when the tenant's credentials or
 * endpoints change. (Clients with the same OAuth client id share a request
 * budget inside the genesys module.)
 */
import { createGenesysClient, type GenesysClient } from '../genesys/index.js';
import type { Logger } from '../platform/logging/index.js';
import { PermanentError } from '../platform/queue/index.js';
import type { Tenant } from '../tenants/index.js';

export class ClientPool {
  private readonly clients = new Map<string, { fingerprint: string; client: GenesysClient }>();

  constructor(private readonly log: Logger, private readonly factory: (t: Tenant) => GenesysClient = (t) => createGenesysClient(t.genesys!, { logger: log })) {}

  get(tenant: Tenant): GenesysClient {
    if (!tenant.genesys) throw new PermanentError(`tenant ${tenant.orgId} has no Genesys credentials`);
    const fingerprint = JSON.stringify(tenant.genesys);
    const cached = this.clients.get(tenant.orgId);
    if (cached && cached.fingerprint === fingerprint) return cached.client;
    const client = this.factory(tenant);
    this.clients.set(tenant.orgId, { fingerprint, client });
    return client;
  }
}
