import type { DataSource, EntityManager } from 'typeorm';
import { MemberRole } from '../access/permissions.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ClientInfo } from '../auth/auth.service.js';
import { requireGrantable } from '../auth/invite.service.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { MemberEntity, type MemberScope } from './member.entity.js';
import { ProjectMemberEntity } from './project-member.entity.js';

/** Who changes a membership: their user and their role in the workspace. */
export interface Manager {
  readonly userId: string;
  readonly role: MemberRole;
}

const PROJECT_ROLES = new Set([
  MemberRole.ARCHITECT,
  MemberRole.LEAD,
  MemberRole.DEVELOPER,
  MemberRole.VIEWER,
]);

/**
 * Roles, scopes, removal and project memberships. Nobody grants more than they hold, only an
 * owner changes or removes an owner, and a workspace always keeps at least one owner. Every
 * change is audited.
 */
export class MemberService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async update(
    member: MemberEntity,
    input: { role?: MemberRole | undefined; scope?: MemberScope | undefined },
    by: Manager,
    client: ClientInfo,
  ): Promise<MemberEntity> {
    this.requireMayManage(member, by);
    if (input.role !== undefined) requireGrantable('role', input.role, by.role);
    return this.transactions.run(async (tx) => {
      const locked = await this.lockOwners(tx.manager, member);
      if (
        input.role !== undefined &&
        locked.role === MemberRole.OWNER &&
        input.role !== MemberRole.OWNER
      ) {
        await this.requireAnotherOwner(tx.manager, locked);
      }
      const changes: Partial<MemberEntity> = {};
      if (input.role !== undefined && input.role !== locked.role) changes.role = input.role;
      if (input.scope !== undefined && input.scope !== locked.scope) changes.scope = input.scope;
      if (Object.keys(changes).length > 0) {
        await tx.manager.update(MemberEntity, { id: locked.id }, changes);
        await this.record(tx.manager, locked, by, client, 'member.role_changed', {
          ...(changes.role ? { from: locked.role, to: changes.role } : {}),
          ...(changes.scope ? { scopeFrom: locked.scope, scopeTo: changes.scope } : {}),
        });
      }
      return tx.manager.findOneByOrFail(MemberEntity, { id: locked.id });
    });
  }

  async remove(member: MemberEntity, by: Manager, client: ClientInfo): Promise<void> {
    this.requireMayManage(member, by);
    await this.transactions.run(async (tx) => {
      const locked = await this.lockOwners(tx.manager, member);
      if (locked.role === MemberRole.OWNER) await this.requireAnotherOwner(tx.manager, locked);
      await tx.manager.delete(MemberEntity, { id: locked.id });
      await this.record(tx.manager, locked, by, client, 'member.removed', { role: locked.role });
    });
  }

  /** Sets (or with `role` null, removes) a member's role on one project. */
  async setProjectRole(
    member: MemberEntity,
    projectId: string,
    role: MemberRole | null,
    by: Manager,
    client: ClientInfo,
  ): Promise<MemberEntity> {
    this.requireMayManage(member, by);
    if (role !== null && !PROJECT_ROLES.has(role)) {
      throw badInput('role', `a project role is one of ${[...PROJECT_ROLES].join(', ')}`);
    }
    if (role !== null) requireGrantable('role', role, by.role);
    return this.transactions.run(async (tx) => {
      const existing = await tx.manager.findOneBy(ProjectMemberEntity, {
        projectId,
        memberId: member.id,
      });
      if (role === null) {
        if (!existing) throw conflict('the member holds no role on this project', 'memberId');
        await tx.manager.delete(ProjectMemberEntity, { id: existing.id });
      } else if (existing) {
        await tx.manager.update(ProjectMemberEntity, { id: existing.id }, { role });
      } else {
        await tx.manager.insert(ProjectMemberEntity, {
          id: uuidv7(),
          projectId,
          memberId: member.id,
          role,
        });
      }
      await this.record(tx.manager, member, by, client, 'member.project_role_changed', {
        project: toPublicId('Project', projectId),
        from: existing?.role ?? null,
        to: role,
      });
      return member;
    });
  }

  projectRoles(memberId: string): Promise<ProjectMemberEntity[]> {
    return this.dataSource.manager.find(ProjectMemberEntity, {
      where: { memberId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  private requireMayManage(member: MemberEntity, by: Manager): void {
    if (member.role === MemberRole.OWNER && by.role !== MemberRole.OWNER) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'only an owner may change or remove an owner');
    }
  }

  /** Locks the workspace's owner rows (so two demotions cannot leave none) and the member. */
  private async lockOwners(manager: EntityManager, member: MemberEntity): Promise<MemberEntity> {
    await manager.query(
      `SELECT id FROM member WHERE workspace_id = $1 AND (role = 'OWNER' OR id = $2) FOR UPDATE`,
      [member.workspaceId, member.id],
    );
    const locked = await manager.findOneBy(MemberEntity, { id: member.id });
    if (!locked)
      throw new DomainError(ErrorCode.NOT_FOUND, 'memberId: no such member', ['memberId']);
    return locked;
  }

  private async requireAnotherOwner(manager: EntityManager, member: MemberEntity): Promise<void> {
    const owners = await manager.countBy(MemberEntity, {
      workspaceId: member.workspaceId,
      role: MemberRole.OWNER,
    });
    if (owners <= 1) {
      throw conflict(
        'a workspace needs at least one owner; make someone else owner first',
        'memberId',
      );
    }
  }

  private async record(
    manager: EntityManager,
    member: MemberEntity,
    by: Manager,
    client: ClientInfo,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(
      {
        workspaceId: member.workspaceId,
        actorKind: 'user',
        actorUserId: by.userId,
        subjectUserId: member.userId,
        action,
        target: toPublicId('Member', member.id),
        details,
        address: client.address,
      },
      manager,
    );
  }
}
