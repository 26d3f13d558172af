import type { Actor } from '../domain/access/actor.js';
import type { Action } from '../domain/access/permissions.js';
import type { Resource } from '../domain/access/authorizer.js';
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
  constructor(
    readonly actor: Actor,
    private readonly services: Services,
    private readonly loaders: Loaders,
  ) {}

  /** Asks the authorizer; every root field must end up here (see authorization.ts). */
  async authorize(action: Action, resource: Resource): Promise<void> {
    await this.services.authorizer.authorize(this.actor, action, resource);
    markAuthorized();
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

  async member(id: string, action: Action, field = 'memberId'): Promise<MemberEntity> {
    const member = await this.loaders.member.load(this.decode('Member', id, field));
    if (!member) throw missing('member', field);
    await this.authorize(action, { workspaceId: member.workspaceId });
    return member;
  }
}
