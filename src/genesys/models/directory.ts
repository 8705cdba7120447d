/**
 * Users and groups (Genesys Cloud docs, "Users API", Genesys Cloud docs, "Groups API"). Expanded sub-objects appear only when
 * requested, so they are optional.
 */
import type { EntityRef, Open } from './common.js';

export type EntityState = Open<'active' | 'inactive' | 'deleted'>;

export interface ContactInfo {
  address?: string;
  display?: string;
  mediaType?: Open<'PHONE' | 'EMAIL' | 'SMS'>;
  type?: Open<'PRIMARY' | 'WORK' | 'WORK2' | 'WORK3' | 'WORK4' | 'HOME' | 'MOBILE' | 'MAIN'>;
  extension?: string;
}

export interface User {
  id: string;
  name?: string;
  division?: EntityRef;
  chat?: { jabberId?: string };
  department?: string;
  title?: string;
  email?: string;
  username?: string;
  primaryContactInfo: ContactInfo[];
  addresses: ContactInfo[];
  state?: EntityState;
  manager?: EntityRef;
  /** Required on writes. */
  version?: number;
  /** Only with `expand=groups`. */
  groups: EntityRef[];
  selfUri?: string;
}

export interface Group {
  id: string;
  name?: string;
  description?: string;
  dateModified?: string;
  memberCount?: number;
  state?: EntityState;
  version?: number;
  type?: Open<'official' | 'social'>;
  rulesVisible?: boolean;
  visibility?: Open<'public' | 'owners' | 'members'>;
  rolesEnabled?: boolean;
  includeOwners?: boolean;
  callsEnabled?: boolean;
  owners: EntityRef[];
  addresses: ContactInfo[];
  images: { resolution?: string; imageUri?: string }[];
  selfUri?: string;
}
