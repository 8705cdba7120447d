/**
 * Users and groups (Genesys Cloud docs, "Users API", Genesys Cloud docs, "Groups API").
 */
import { paginateEntities, type PageOptions } from '../http/paging.js';
import type { Query } from '../models/common.js';
import type { EntityState, Group, User } from '../models/directory.js';
import { normalizeGroup, normalizeUser } from '../models/normalize.js';
import { seg, type ApiContext } from './context.js';

export interface UserListOptions extends PageOptions {
  /** Bulk fetch by id. */
  ids?: readonly string[];
  expand?: readonly string[];
  state?: EntityState | 'any';
  sortOrder?: 'ascending' | 'descending';
}

export interface UsersApi {
  /** Every user matching the filter, page by page. */
  list(opts?: UserListOptions): AsyncIterable<User>;
  get(userId: string, opts?: { expand?: readonly string[]; state?: 'active' | 'deleted' }): Promise<User>;
}

export interface GroupsApi {
  list(opts?: PageOptions & { ids?: readonly string[]; sortOrder?: 'ascending' | 'descending' }): AsyncIterable<Group>;
  get(groupId: string): Promise<Group>;
  /** Individuals, owners and dynamically included people. */
  members(groupId: string, opts?: PageOptions & { expand?: readonly string[] }): AsyncIterable<User>;
  /** Direct members only. */
  individuals(groupId: string, opts?: PageOptions): AsyncIterable<User>;
}

const csv = (v?: readonly string[]) => (v && v.length > 0 ? v.join(',') : undefined);

async function* mapAsync<A, B>(src: AsyncIterable<A>, f: (a: A) => B): AsyncGenerator<B> {
  for await (const a of src) yield f(a);
}

export function usersApi(ctx: ApiContext): UsersApi {
  return {
    list: (o = {}) => {
      const q: Query = { id: o.ids, expand: csv(o.expand), state: o.state, sortOrder: o.sortOrder };
      return mapAsync(paginateEntities<unknown>(ctx.request, '/api/v2/users', q, o), normalizeUser);
    },
    async get(userId, o = {}) {
      const res = await ctx.request<unknown>('GET', `/api/v2/users/${seg(userId)}`, { query: { expand: csv(o.expand), state: o.state } });
      return normalizeUser(res.body);
    },
  };
}

export function groupsApi(ctx: ApiContext): GroupsApi {
  return {
    list: (o = {}) => mapAsync(paginateEntities<unknown>(ctx.request, '/api/v2/groups', { id: o.ids, sortOrder: o.sortOrder }, o), normalizeGroup),
    async get(groupId) {
      return normalizeGroup((await ctx.request<unknown>('GET', `/api/v2/groups/${seg(groupId)}`)).body);
    },
    members: (groupId, o = {}) =>
      mapAsync(paginateEntities<unknown>(ctx.request, `/api/v2/groups/${seg(groupId)}/members`, { expand: csv(o.expand) }, o), normalizeUser),
    individuals: (groupId, o = {}) => mapAsync(paginateEntities<unknown>(ctx.request, `/api/v2/groups/${seg(groupId)}/individuals`, {}, o), normalizeUser),
  };
}
