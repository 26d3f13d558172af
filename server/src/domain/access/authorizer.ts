import DataLoader from 'dataloader';
import { DomainError, ErrorCode } from '../common/errors.js';
import { MemberScope } from '../user/member.entity.js';
import type { Actor } from './actor.js';
import { aRole, MemberRole, roleAllows, TOKEN_SCOPE_OF, type Action } from './permissions.js';

/** What an action is performed on; the workspace (and project) decide the actor's role. */
export interface Resource {
  readonly workspaceId?: string;
  readonly projectId?: string;
}

/** A user's membership of a workspace as far as access is concerned. */
export interface Membership {
  readonly role: MemberRole;
  readonly scope: MemberScope;
  /** Their roles on single projects (project memberships), by project. */
  readonly projectRoles: ReadonlyMap<string, MemberRole>;
}

/**
 * Finds a user's memberships of several workspaces in one go; a workspace they are not a
 * member of is absent from the map.
 */
export type MembershipLookup = (
  userId: string,
  workspaceIds: readonly string[],
) => Promise<ReadonlyMap<string, Membership>>;

const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);

/**
 * The role a membership gives on a resource: owners and admins keep their workspace role
 * everywhere; otherwise a project membership decides inside its project, and members whose
 * scope is PROJECTS have no role on other projects.
 */
export function effectiveRole(
  membership: Membership,
  projectId: string | undefined,
): MemberRole | undefined {
  if (membership.role === MemberRole.OWNER || membership.role === MemberRole.ADMIN) {
    return membership.role;
  }
  if (projectId === undefined) return membership.role;
  const projectRole = membership.projectRoles.get(projectId);
  if (projectRole !== undefined) return projectRole;
  return membership.scope === MemberScope.WORKSPACE ? membership.role : undefined;
}

/**
 * The one place access is decided. Every resolver calls it (a schema-wide guard fails any root
 * field that resolves without doing so). `forRequest()` gives an authorizer that remembers
 * memberships for one operation, so a query that authorizes many times asks the database once.
 */
export class Authorizer {
  constructor(private readonly lookup: MembershipLookup) {}

  forRequest(): Authorizer {
    const loaders = new Map<string, DataLoader<string, Membership | null>>();
    return new Authorizer(async (userId, workspaceIds) => {
      let loader = loaders.get(userId);
      if (!loader) {
        loader = new DataLoader(async (ids: readonly string[]) => {
          const found = await this.lookup(userId, ids);
          return ids.map((id) => found.get(id) ?? null);
        });
        loaders.set(userId, loader);
      }
      const rows = await loader.loadMany(workspaceIds);
      const found = new Map<string, Membership>();
      rows.forEach((row, index) => {
        if (row instanceof Error) throw row;
        if (row) found.set(workspaceIds[index] as string, row);
      });
      return found;
    });
  }

  private async membership(userId: string, workspaceId: string): Promise<Membership | undefined> {
    return (await this.lookup(userId, [workspaceId])).get(workspaceId);
  }

  /**
   * The projects of a workspace a user sees when that is not all of them: members whose scope
   * is PROJECTS see those they hold a project role on (owners and admins see everything).
   * Undefined when they see every project, or are not a member (which authorize() refuses).
   */
  async visibleProjects(userId: string, workspaceId: string): Promise<string[] | undefined> {
    const membership = await this.membership(userId, workspaceId);
    if (!membership || membership.scope === MemberScope.WORKSPACE) return undefined;
    if (membership.role === MemberRole.OWNER || membership.role === MemberRole.ADMIN) {
      return undefined;
    }
    return [...membership.projectRoles.keys()];
  }

  /** The role the actor holds on a resource; undefined when it holds none. */
  async roleOn(actor: Actor, resource: Resource): Promise<MemberRole | undefined> {
    if (actor.kind !== 'user' && actor.kind !== 'token') return undefined;
    if (resource.workspaceId === undefined) return undefined;
    const membership = await this.membership(actor.userId, resource.workspaceId);
    return membership && effectiveRole(membership, resource.projectId);
  }

  async authorize(actor: Actor, action: Action, resource: Resource): Promise<void> {
    switch (actor.kind) {
      case 'system':
        return;
      case 'anonymous':
        throw new DomainError(
          ErrorCode.UNAUTHENTICATED,
          actor.reason ?? 'sign in first: this needs an access token or an API token',
        );
      case 'token':
        this.checkToken(actor, action, resource);
        return this.checkRole(actor.userId, action, resource, 'the API token’s creator');
      case 'user':
        if (action === 'workspace.create') return;
        return this.checkRole(actor.userId, action, resource, 'you');
    }
  }

  private checkToken(
    actor: Extract<Actor, { kind: 'token' }>,
    action: Action,
    resource: Resource,
  ): void {
    const scope = TOKEN_SCOPE_OF[action];
    if (scope === null) throw forbidden(`API tokens may not ${describe(action)}`);
    if (!actor.scopes.has(scope)) {
      throw forbidden(`this API token lacks the ${scope} scope needed to ${describe(action)}`);
    }
    if (resource.workspaceId !== actor.workspaceId) {
      throw forbidden('this API token belongs to another workspace');
    }
    if (actor.projectId !== null) {
      const workspaceRead = action === 'workspace.read' && resource.projectId === undefined;
      if (!workspaceRead && resource.projectId !== actor.projectId) {
        throw forbidden('this API token is limited to another project');
      }
    }
  }

  private async checkRole(
    userId: string,
    action: Action,
    resource: Resource,
    who: string,
  ): Promise<void> {
    if (resource.workspaceId === undefined) {
      throw forbidden(`${action} needs a workspace`);
    }
    const membership = await this.membership(userId, resource.workspaceId);
    if (membership === undefined) {
      throw forbidden(
        who === 'you'
          ? 'you are not a member of this workspace'
          : `${who} is no longer a member of this workspace`,
      );
    }
    const role = effectiveRole(membership, resource.projectId);
    if (role === undefined) {
      throw forbidden(
        who === 'you'
          ? 'you are not a member of this project'
          : `${who} is not a member of this project`,
      );
    }
    if (!roleAllows(role, action)) {
      throw forbidden(`${aRole(role)} may not ${describe(action)}`);
    }
  }
}

function describe(action: Action): string {
  return action
    .replace('.', ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
