/**
 * What the AudioHook endpoint needs to authenticate an upgrade: a synchronous
 * lookup of an API key in local state (the tenant cache), never a database
 * round trip.
 */
import type { Credential } from '../tenants/index.js';

export interface CredentialLookup {
  lookup(apiKey: string): Credential | undefined;
  readonly ready: boolean;
}
