import { DomainError, ErrorCode } from '../common/errors.js';
import type { Actor } from './actor.js';
import { roleAllows, type Action, type MemberRole } from './permissions.js';

/** What an action is performed on; the workspace decides the actor's role. */
export interface Resource {
  readonly workspaceId?: string;
  readonly projectId?: string;
}

/** Finds a user's role in a workspace (undefined when they are not a member). */
export type RoleLookup = (userId: string, workspaceId: string) => Promise<MemberRole | undefined>;

/**
 * The one place access is decided. Every resolver calls it (a schema-wide guard fails any root
 * field that resolves without doing so); the Access issue adds authentication, which produces
 * `user` actors, and project-level narrowing.
 */
export class Authorizer {
  constructor(private readonly roleOf: RoleLookup) {}

  async authorize(actor: Actor, action: Action, resource: Resource): Promise<void> {
    switch (actor.kind) {
      case 'local':
      case 'system':
        return;
      case 'user': {
        if (action === 'workspace.create') return;
        if (resource.workspaceId === undefined) {
          throw new DomainError(ErrorCode.FORBIDDEN, `${action} needs a workspace`);
        }
        const role = await this.roleOf(actor.userId, resource.workspaceId);
        if (role === undefined) {
          throw new DomainError(ErrorCode.FORBIDDEN, 'you are not a member of this workspace');
        }
        if (!roleAllows(role, action)) {
          throw new DomainError(
            ErrorCode.FORBIDDEN,
            `a ${role.toLowerCase()} may not ${describe(action)}`,
          );
        }
        return;
      }
    }
  }
}

function describe(action: Action): string {
  return action
    .replace('.', ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
