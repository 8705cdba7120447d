/**
 * The registry of emulated organisations, looked up by id, by environment and
 * by OAuth client.
 */
import { controlNotFound, ControlError } from '../errors.js';
import type { OAuthClient, Org } from './model.js';

export class OrgRegistry {
  private readonly orgs = new Map<string, Org>();

  add(org: Org): Org {
    if (this.orgs.has(org.id)) throw new ControlError(`org ${org.id} already exists`, 409, 'conflict');
    for (const other of this.orgs.values()) {
      for (const c of org.clients.keys()) if (other.clients.has(c)) throw new ControlError(`OAuth client id ${c} is already used by org ${other.id}`, 409, 'conflict');
    }
    this.orgs.set(org.id, org);
    return org;
  }

  get(id: string): Org | undefined {
    return this.orgs.get(id);
  }

  require(id: string): Org {
    const org = this.orgs.get(id);
    if (!org) throw controlNotFound(`org ${id}`);
    return org;
  }

  all(): Org[] {
    return [...this.orgs.values()];
  }

  /** An OAuth client is only valid in its own org's region (Genesys Cloud docs, "Platform API: regions"). */
  findClient(env: string, clientId: string): { org: Org; client: OAuthClient } | undefined {
    for (const org of this.orgs.values()) {
      if (org.env !== env) continue;
      const client = org.clients.get(clientId);
      if (client) return { org, client };
    }
    return undefined;
  }

  clientIdInUse(clientId: string): boolean {
    for (const org of this.orgs.values()) if (org.clients.has(clientId)) return true;
    return false;
  }
}
