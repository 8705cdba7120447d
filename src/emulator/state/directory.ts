/**
 * Directory changes shared by the Genesys API and the control API: group
 * membership (bumping the group version, as Genesys does on every change).
 */
import { ControlError } from '../errors.js';
import type { Group, Org } from './model.js';

export class DirectoryError extends ControlError {
  override readonly name = 'DirectoryError';
}

export function addMembers(org: Org, group: Group, userIds: string[], now: number): void {
  const unknown = userIds.filter((id) => !org.users.has(id));
  if (unknown.length > 0) throw new DirectoryError(`unknown user id(s) in org ${org.id}: ${unknown.join(', ')}`, 400, 'unknown_user');
  let changed = false;
  for (const id of userIds) {
    if (group.memberIds.includes(id)) continue;
    group.memberIds.push(id);
    changed = true;
  }
  if (changed) touch(group, now);
}

export function removeMembers(group: Group, userIds: string[], now: number): void {
  const before = group.memberIds.length;
  group.memberIds = group.memberIds.filter((id) => !userIds.includes(id));
  if (group.memberIds.length !== before) touch(group, now);
}

export function groupsOf(org: Org, userId: string): Group[] {
  return [...org.groups.values()].filter((g) => g.memberIds.includes(userId));
}

function touch(group: Group, now: number): void {
  group.version += 1;
  group.dateModified = now;
}
