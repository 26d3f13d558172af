import type { Actor } from '../domain/access/actor.js';
import type { Action } from '../domain/access/permissions.js';
import type { Authorizer, Resource } from '../domain/access/authorizer.js';
import type { MemberRole } from '../domain/access/permissions.js';
import type { ApiTokenEntity, InviteEntity } from '../domain/auth/auth.entity.js';
import { DomainError, ErrorCode } from '../domain/common/errors.js';
import type { NodeKind } from '../domain/common/public-id.js';
import type { PhaseEntity, PlanEntity } from '../domain/plan/plan.entity.js';
import type { ProjectEntity } from '../domain/project/project.entity.js';
import type { SkillEntity } from '../domain/skill/skill.entity.js';
import type { TaskCommentEntity, TaskEntity } from '../domain/task/task.entity.js';
import type { MemberEntity } from '../domain/user/member.entity.js';
import type { WorkspaceEntity } from '../domain/workspace/workspace.entity.js';
import type { Services } from '../services.js';
import { markAuthorized } from './authorization.js';
import { decodeId } from './common/global-id.js';
import type { Loaders } from './loaders.js';

function missing(kind: string, field: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${field}: no such ${kind}`, [field]);
}

/**
 * Loads what an operation names and authorizes the actor on it, in one call:
 * `const { task, project } = await ctx.access.task(input.taskId, 'task.transition', 'taskId')`.
 * Ids arrive public and are decoded here; an unknown id is NOT_FOUND naming the field.
 */
export class Access {
  private readonly authorizer: Authorizer;

  constructor(
    readonly actor: Actor,
    private readonly services: Services,
    private readonly loaders: Loaders,
  ) {
    this.authorizer = services.authorizer.forRequest();
  }

  /** Asks the authorizer; every root field must end up here (see authorization.ts). */
  async authorize(action: Action, resource: Resource): Promise<void> {
    await this.authorizer.authorize(this.actor, action, resource);
    markAuthorized();
  }

  /** The actor's role on a resource (after authorize() has let them in). */
  roleOn(resource: Resource): Promise<MemberRole | undefined> {
    return this.authorizer.roleOn(this.actor, resource);
  }

  /** The signed-in user, or UNAUTHENTICATED (API tokens act for no one here). */
  requireUser(what: string): string {
    if (this.actor.kind === 'user') return this.actor.userId;
    if (this.actor.kind === 'anonymous') {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, this.actor.reason ?? `sign in to ${what}`);
    }
    throw new DomainError(ErrorCode.FORBIDDEN, `only a signed-in person may ${what}`);
  }

  /**
   * The projects of a workspace the actor may see: undefined for all of them, or the list for
   * members whose scope is PROJECTS and for project-bound API tokens.
   */
  async visibleProjects(workspaceId: string): Promise<readonly string[] | undefined> {
    const actor = this.actor;
    if (actor.kind === 'token' && actor.projectId !== null) return [actor.projectId];
    if (actor.kind !== 'user' && actor.kind !== 'token') return undefined;
    // The memberships authorize() already loaded for this request answer it.
    return this.authorizer.visibleProjects(actor.userId, workspaceId);
  }

  /** For fields that reveal nothing beyond the actor's own identity or an absence. */
  public(): void {
    markAuthorized();
  }

  decode(kind: NodeKind, id: string, field: string): string {
    return decodeId(kind, id, field);
  }

  async workspace(id: string, action: Action, field = 'workspaceId'): Promise<WorkspaceEntity> {
    const workspace = await this.loaders.workspace.load(this.decode('Workspace', id, field));
    if (!workspace) throw missing('workspace', field);
    await this.authorize(action, { workspaceId: workspace.id });
    return workspace;
  }

  /**
   * A workspace and, when `projectId` is given, one of its projects (a project of another
   * workspace is BAD_USER_INPUT on projectId); the action is authorized on both.
   */
  async workspaceAndProject(
    workspaceId: string,
    projectId: string | null | undefined,
    action: Action,
  ): Promise<{ workspace: WorkspaceEntity; project: ProjectEntity | undefined }> {
    const workspace = await this.workspace(workspaceId, action);
    const project = projectId ? await this.project(projectId, action) : undefined;
    if (project && project.workspaceId !== workspace.id) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        'projectId: the project is in another workspace',
        ['projectId'],
      );
    }
    return { workspace, project };
  }

  async project(id: string, action: Action, field = 'projectId'): Promise<ProjectEntity> {
    return this.projectByKey(this.decode('Project', id, field), action, field);
  }

  async projectByKey(key: string, action: Action, field = 'projectId'): Promise<ProjectEntity> {
    const project = await this.loaders.project.load(key);
    if (!project) throw missing('project', field);
    await this.authorize(action, { workspaceId: project.workspaceId, projectId: project.id });
    return project;
  }

  async plan(id: string, action: Action, field = 'planId') {
    const plan = await this.loaders.plan.load(this.decode('Plan', id, field));
    if (!plan) throw missing('plan', field);
    return { plan, project: await this.projectByKey(plan.projectId, action, field) };
  }

  async phase(id: string, action: Action, field = 'phaseId') {
    const phase: PhaseEntity | undefined = await this.loaders.phase.load(
      this.decode('Phase', id, field),
    );
    if (!phase) throw missing('phase', field);
    const plan: PlanEntity | undefined = await this.loaders.plan.load(phase.planId);
    if (!plan) throw missing('phase', field);
    return { phase, plan, project: await this.projectByKey(plan.projectId, action, field) };
  }

  async task(id: string, action: Action, field = 'taskId') {
    return this.taskByKey(this.decode('Task', id, field), action, field);
  }

  async taskByKey(key: string, action: Action, field = 'taskId') {
    const task: TaskEntity | undefined = await this.loaders.task.load(key);
    if (!task) throw missing('task', field);
    return { task, project: await this.projectByKey(task.projectId, action, field) };
  }

  async comment(id: string, action: Action, field = 'commentId') {
    const comment: TaskCommentEntity | undefined = await this.loaders.comment.load(
      this.decode('TaskComment', id, field),
    );
    if (!comment) throw missing('comment', field);
    const { task, project } = await this.taskByKey(comment.taskId, action, field);
    return { comment, task, project };
  }

  async run(id: string, action: Action, field = 'runId') {
    const run = await this.loaders.run.load(this.decode('Run', id, field));
    if (!run) throw missing('run', field);
    return { run, project: await this.projectByKey(run.projectId, action, field) };
  }

  async session(id: string, action: Action, field = 'sessionId') {
    const session = await this.loaders.session.load(this.decode('AgentSession', id, field));
    if (!session) throw missing('session', field);
    return { session, project: await this.projectByKey(session.projectId, action, field) };
  }

  async skill(id: string, action: Action, field = 'skillId'): Promise<SkillEntity> {
    const skill = await this.loaders.skill.load(this.decode('Skill', id, field));
    if (!skill) throw missing('skill', field);
    await this.authorize(action, { workspaceId: skill.workspaceId });
    return skill;
  }

  async invite(id: string, action: Action, field = 'inviteId'): Promise<InviteEntity> {
    const invite = await this.services.invites.get(this.decode('Invite', id, field));
    if (!invite) throw missing('invite', field);
    await this.authorize(action, { workspaceId: invite.workspaceId });
    return invite;
  }

  async apiToken(id: string, action: Action, field = 'apiTokenId'): Promise<ApiTokenEntity> {
    const token = await this.services.apiTokens.get(this.decode('ApiToken', id, field));
    if (!token) throw missing('API token', field);
    await this.authorize(action, { workspaceId: token.workspaceId });
    return token;
  }

  async member(id: string, action: Action, field = 'memberId'): Promise<MemberEntity> {
    const member = await this.loaders.member.load(this.decode('Member', id, field));
    if (!member) throw missing('member', field);
    await this.authorize(action, { workspaceId: member.workspaceId });
    return member;
  }
}
