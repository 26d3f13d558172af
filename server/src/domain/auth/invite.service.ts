import { returning } from '../../db/returning.js';
import type { DataSource, EntityManager } from 'typeorm';
import { aRole, MemberRole, roleAtLeast } from '../access/permissions.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { parsePublicIdOf, toPublicId } from '../common/public-id.js';
import { requireMachineId, requireName } from '../common/validation.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { ProjectEntity } from '../project/project.entity.js';
import { MemberEntity, MemberScope } from '../user/member.entity.js';
import { ProjectMemberEntity } from '../user/project-member.entity.js';
import { UserEntity } from '../user/user.entity.js';
import { WorkspaceEntity } from '../workspace/workspace.entity.js';
import type { Transactions } from '../common/transactions.js';
import { InviteEntity, InviteKind } from './auth.entity.js';
import {
  requireEmail,
  type AuthService,
  type ClientInfo,
  type IssuedSession,
  type Machine,
} from './auth.service.js';
import type { TokenKeys } from './jwt.js';
import { hashToken, newOpaqueToken } from './opaque-token.js';

export const INVITE_TTL_SECONDS = 7 * 24 * 60 * 60;
export const CLI_INVITE_TTL_SECONDS = 24 * 60 * 60;

const PROJECT_ROLES: readonly MemberRole[] = [
  MemberRole.ARCHITECT,
  MemberRole.LEAD,
  MemberRole.DEVELOPER,
  MemberRole.VIEWER,
];

export interface Inviter {
  readonly userId: string;
  /** The inviter's role in the invite's workspace (or project). */
  readonly role: MemberRole;
}

const tokenError = (message: string) => badInput('token', message);

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Checks that an inviter may hand out `role`: nobody grants more than they hold. */
export function requireGrantable(field: string, role: MemberRole, granter: MemberRole): void {
  if (!roleAtLeast(granter, role)) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      `${aRole(granter)} may not grant the ${role.toLowerCase()} role`,
      [field],
    );
  }
}

/**
 * Invitations. Workspace and project invites carry a role, an opaque token shown once, and
 * expire after 7 days; a CLI invite is a one-time JWT with which a member connects a machine.
 * Every invite works once; issuing and redeeming are audited.
 */
export class InviteService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly auth: AuthService,
    private readonly keys: TokenKeys,
    private readonly audit: AuditService,
  ) {}

  async create(
    input: {
      workspaceId: string;
      projectId?: string;
      role: MemberRole;
      email?: string | undefined;
    },
    inviter: Inviter,
    client: ClientInfo,
  ): Promise<{ invite: InviteEntity; token: string }> {
    const kind = input.projectId ? InviteKind.PROJECT : InviteKind.WORKSPACE;
    if (kind === InviteKind.PROJECT && !PROJECT_ROLES.includes(input.role)) {
      throw badInput(
        'role',
        `a project invite grants one of ${PROJECT_ROLES.join(', ')}; owners and admins are invited to the workspace`,
      );
    }
    requireGrantable('role', input.role, inviter.role);
    const email = input.email === undefined ? null : requireEmail('email', input.email);
    const token = newOpaqueToken('invite');
    const invite = Object.assign(new InviteEntity(), {
      id: uuidv7(),
      kind,
      workspaceId: input.workspaceId,
      projectId: input.projectId ?? null,
      role: input.role,
      email,
      tokenHash: hashToken(token),
      createdById: inviter.userId,
      expiresAt: new Date(Date.now() + INVITE_TTL_SECONDS * 1000),
    });
    const saved = await this.transactions.run(async (tx) => {
      await tx.manager.insert(InviteEntity, invite);
      await this.recordIssued(tx.manager, invite, inviter.userId, client);
      return tx.manager.findOneByOrFail(InviteEntity, { id: invite.id });
    });
    return { invite: saved, token };
  }

  /** A CLI invite for the issuing member themself: a one-time JWT for `maestro auth`. */
  async createCli(
    input: { workspaceId: string; projectId?: string },
    userId: string,
    client: ClientInfo,
  ): Promise<{ invite: InviteEntity; token: string }> {
    const invite = Object.assign(new InviteEntity(), {
      id: uuidv7(),
      kind: InviteKind.CLI,
      workspaceId: input.workspaceId,
      projectId: input.projectId ?? null,
      role: null,
      email: null,
      tokenHash: null,
      createdById: userId,
      expiresAt: new Date(Date.now() + CLI_INVITE_TTL_SECONDS * 1000),
    });
    const { token } = await this.keys.sign('cliInvite', {
      subject: toPublicId('User', userId),
      jti: invite.id,
      ttlSeconds: CLI_INVITE_TTL_SECONDS,
      extra: { wsp: toPublicId('Workspace', input.workspaceId) },
    });
    const saved = await this.transactions.run(async (tx) => {
      await tx.manager.insert(InviteEntity, invite);
      await this.recordIssued(tx.manager, invite, userId, client);
      return tx.manager.findOneByOrFail(InviteEntity, { id: invite.id });
    });
    return { invite: saved, token };
  }

  async revoke(invite: InviteEntity, userId: string, client: ClientInfo): Promise<InviteEntity> {
    if (invite.redeemedAt)
      throw conflict(`this invite was already used on ${day(invite.redeemedAt)}`, 'inviteId');
    return this.transactions.run(async (tx) => {
      await tx.manager.update(InviteEntity, { id: invite.id }, { revokedAt: new Date() });
      await this.audit.record(
        {
          workspaceId: invite.workspaceId,
          actorKind: 'user',
          actorUserId: userId,
          action: 'invite.revoked',
          target: toPublicId('Invite', invite.id),
          details: { kind: invite.kind },
          address: client.address,
        },
        tx.manager,
      );
      return tx.manager.findOneByOrFail(InviteEntity, { id: invite.id });
    });
  }

  get(id: string): Promise<InviteEntity | null> {
    return this.dataSource.manager.findOneBy(InviteEntity, { id });
  }

  /** Pending invites of a workspace (not used, revoked or expired), oldest first. */
  pending(workspaceId: string, request: PageRequest): Promise<Page<InviteEntity>> {
    return fetchPage(this.pendingQuery(workspaceId), 'i', request);
  }

  countPending(workspaceId: string): Promise<number> {
    return this.pendingQuery(workspaceId).getCount();
  }

  private pendingQuery(workspaceId: string) {
    return this.dataSource.manager
      .createQueryBuilder(InviteEntity, 'i')
      .where('i.workspace_id = :workspaceId', { workspaceId })
      .andWhere('i.redeemed_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()');
  }

  /** What an invite token offers, for the page that accepts it; errors as accept() would. */
  async preview(token: string): Promise<InviteEntity> {
    const invite = await this.dataSource.manager.findOneBy(InviteEntity, {
      tokenHash: hashToken(this.requireOpaque(token)),
    });
    return this.requireUsable(invite);
  }

  /** A signed-in user accepts a workspace or project invite. */
  async accept(
    token: string,
    userId: string,
    expectedWorkspaceId: string | undefined,
    client: ClientInfo,
  ): Promise<MemberEntity> {
    return this.transactions.run(async (tx) => {
      const invite = await this.lockByToken(tx.manager, token, expectedWorkspaceId);
      const user = await tx.manager.findOneByOrFail(UserEntity, { id: userId });
      return this.apply(tx.manager, invite, user, client);
    });
  }

  /** Creates an account through an invite and accepts it, in one transaction. */
  async signUp(
    input: { token: string; email: string; password: string; name: string },
    client: ClientInfo,
    kind: 'browser' | 'api',
  ): Promise<{ session: IssuedSession; member: MemberEntity }> {
    const { user, member } = await this.transactions.run(async (tx) => {
      const invite = await this.lockByToken(tx.manager, input.token, undefined);
      const user = await this.auth.createUser(tx.manager, input);
      const member = await this.apply(tx.manager, invite, user, client);
      return { user, member };
    });
    return { session: await this.auth.startSession(user, client, kind), member };
  }

  /**
   * Redeems a CLI invite on a machine: the identity, an access and a refresh token, and the
   * projects the member can see (or the one project the invite names).
   */
  async redeemCli(
    token: string,
    machine: Machine,
    client: ClientInfo,
  ): Promise<{ session: IssuedSession; invite: InviteEntity }> {
    requireMachineId('machine.id', machine.id);
    const name = requireName('machine.name', machine.name);
    const { payload } = await this.keys.verify('cliInvite', token, 'CLI invite');
    const inviteId = typeof payload.jti === 'string' ? payload.jti : '';
    const userId = parsePublicIdOf('User', String(payload.sub));
    return this.transactions.run(async (tx) => {
      const invite = await tx.manager.findOne(InviteEntity, {
        where: { id: inviteId, kind: InviteKind.CLI },
        lock: { mode: 'pessimistic_write' },
      });
      const usable = this.requireUsable(invite);
      const user = userId ? await tx.manager.findOneBy(UserEntity, { id: userId }) : null;
      const member =
        user &&
        (await tx.manager.findOneBy(MemberEntity, {
          userId: user.id,
          workspaceId: usable.workspaceId,
        }));
      if (!user || !member || user.id !== usable.createdById) {
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          'the member this CLI invite was issued to is no longer in its workspace',
        );
      }
      await this.markRedeemed(tx.manager, usable, user.id, client, { machine: name });
      const session = await this.auth.startSession(
        user,
        client,
        'cli',
        { id: machine.id, name },
        tx.manager,
      );
      return { session, invite: usable };
    });
  }

  /** The projects a CLI invite's holder works on: the invite's project, or all they can see. */
  async projectsFor(invite: InviteEntity, userId: string): Promise<ProjectEntity[]> {
    if (invite.projectId) {
      return this.dataSource.manager.findBy(ProjectEntity, { id: invite.projectId });
    }
    return this.dataSource.manager
      .createQueryBuilder(ProjectEntity, 'p')
      .innerJoin(MemberEntity, 'm', 'm.workspace_id = p.workspace_id AND m.user_id = :userId', {
        userId,
      })
      .where('p.workspace_id = :workspaceId', { workspaceId: invite.workspaceId })
      .andWhere(
        `(m.role IN ('OWNER', 'ADMIN') OR m.scope = 'WORKSPACE' OR EXISTS
           (SELECT 1 FROM project_member pm WHERE pm.member_id = m.id AND pm.project_id = p.id))`,
      )
      .orderBy('p.created_at', 'ASC')
      .getMany();
  }

  private requireOpaque(token: string): string {
    const trimmed = token.trim();
    if (trimmed.split('.').length === 3) {
      throw tokenError(
        'this is a CLI invite; redeem it on your machine with `maestro auth <token>`',
      );
    }
    if (trimmed === '') throw tokenError('token must not be empty');
    return trimmed;
  }

  private async lockByToken(
    manager: EntityManager,
    token: string,
    expectedWorkspaceId: string | undefined,
  ): Promise<InviteEntity> {
    const invite = await manager.findOne(InviteEntity, {
      where: { tokenHash: hashToken(this.requireOpaque(token)) },
      lock: { mode: 'pessimistic_write' },
    });
    const usable = this.requireUsable(invite);
    if (expectedWorkspaceId !== undefined && usable.workspaceId !== expectedWorkspaceId) {
      const [theirs, ours] = await Promise.all([
        manager.findOneBy(WorkspaceEntity, { id: usable.workspaceId }),
        manager.findOneBy(WorkspaceEntity, { id: expectedWorkspaceId }),
      ]);
      throw badInput(
        'workspaceId',
        `this invite is for the workspace "${theirs?.name ?? '?'}", not "${ours?.name ?? '?'}"`,
      );
    }
    return usable;
  }

  private requireUsable(invite: InviteEntity | null): InviteEntity {
    if (!invite) throw tokenError('this invite is not valid; check the link or ask for a new one');
    if (invite.revokedAt) throw tokenError('this invite was revoked; ask for a new one');
    if (invite.redeemedAt) {
      throw tokenError(
        `this invite was already used on ${day(invite.redeemedAt)}; each invite works once`,
      );
    }
    if (invite.expiresAt.getTime() <= Date.now()) {
      throw tokenError(`this invite expired on ${day(invite.expiresAt)}; ask for a new one`);
    }
    return invite;
  }

  private async apply(
    manager: EntityManager,
    invite: InviteEntity,
    user: UserEntity,
    client: ClientInfo,
  ): Promise<MemberEntity> {
    if (invite.email !== null && invite.email !== user.email) {
      throw tokenError('this invite was sent to another email address; sign in with that account');
    }
    const role = invite.role ?? MemberRole.VIEWER;
    let member = await manager.findOneBy(MemberEntity, {
      workspaceId: invite.workspaceId,
      userId: user.id,
    });
    if (invite.kind === InviteKind.WORKSPACE) {
      if (member) {
        throw conflict(
          `you are already a member of this workspace (as ${member.role.toLowerCase()})`,
          'token',
        );
      }
      member = await this.insertMember(
        manager,
        invite.workspaceId,
        user.id,
        role,
        MemberScope.WORKSPACE,
      );
    } else {
      const projectId = invite.projectId as string;
      member ??= await this.insertMember(
        manager,
        invite.workspaceId,
        user.id,
        MemberRole.VIEWER,
        MemberScope.PROJECTS,
      );
      const existing = await manager.findOneBy(ProjectMemberEntity, {
        projectId,
        memberId: member.id,
      });
      if (existing) {
        throw conflict(
          `you are already a member of this project (as ${existing.role.toLowerCase()})`,
          'token',
        );
      }
      await manager.insert(ProjectMemberEntity, {
        id: uuidv7(),
        projectId,
        memberId: member.id,
        role,
      });
    }
    await this.markRedeemed(manager, invite, user.id, client, { role });
    return member;
  }

  private async insertMember(
    manager: EntityManager,
    workspaceId: string,
    userId: string,
    role: MemberRole,
    scope: MemberScope,
  ): Promise<MemberEntity> {
    const id = uuidv7();
    await manager.insert(MemberEntity, { id, workspaceId, userId, role, scope });
    return manager.findOneByOrFail(MemberEntity, { id });
  }

  private async markRedeemed(
    manager: EntityManager,
    invite: InviteEntity,
    userId: string,
    client: ClientInfo,
    details: Record<string, unknown>,
  ): Promise<void> {
    const updated: unknown[] = await returning(
      manager,
      `UPDATE invite SET redeemed_at = now(), redeemed_by_id = $2
        WHERE id = $1 AND redeemed_at IS NULL AND revoked_at IS NULL RETURNING id`,
      [invite.id, userId],
    );
    if (updated.length === 0)
      throw tokenError('this invite was already used; each invite works once');
    await this.audit.record(
      {
        workspaceId: invite.workspaceId,
        actorKind: 'user',
        actorUserId: userId,
        subjectUserId: userId,
        action: 'invite.redeemed',
        target: toPublicId('Invite', invite.id),
        details: {
          kind: invite.kind,
          ...(invite.projectId ? { project: toPublicId('Project', invite.projectId) } : {}),
          ...details,
        },
        address: client.address,
      },
      manager,
    );
  }

  private async recordIssued(
    manager: EntityManager,
    invite: InviteEntity,
    userId: string,
    client: ClientInfo,
  ): Promise<void> {
    await this.audit.record(
      {
        workspaceId: invite.workspaceId,
        actorKind: 'user',
        actorUserId: userId,
        action: 'invite.issued',
        target: toPublicId('Invite', invite.id),
        details: {
          kind: invite.kind,
          ...(invite.role ? { role: invite.role } : {}),
          ...(invite.email ? { email: invite.email } : {}),
          ...(invite.projectId ? { project: toPublicId('Project', invite.projectId) } : {}),
        },
        address: client.address,
      },
      manager,
    );
  }
}
