import { userOf } from '../domain/access/actor.js';
import { badInput, DomainError, ErrorCode } from '../domain/common/errors.js';
import { parsePublicId, type NodeKind } from '../domain/common/public-id.js';
import { ApiTokenType, InviteType } from './auth/auth.type.js';
import { type NodeInterface } from './common/node.type.js';
import type { GraphQLContext } from './context.js';
import { EventType } from './events/event.type.js';
import { ContextFileType, KnowledgeArtifactGraphType } from './knowledge/knowledge.type.js';
import { PhaseType, PlanMessageType, PlanType } from './plan/plan.type.js';
import { ProjectType } from './project/project.type.js';
import { AgentRunType } from './run/run.type.js';
import { AgentSessionType, TeamType } from './session/session.type.js';
import { SkillType } from './skill/skill.type.js';
import { TaskCommentType, TaskType } from './task/task.type.js';
import { MemberType, UserType } from './user/user.type.js';
import { WorkspaceType } from './workspace/workspace.type.js';

/**
 * Loads any object by public id and authorizes reading it (each node is checked against its own
 * workspace); null when it does not exist.
 */
export async function resolveNode(
  id: string,
  field: string,
  ctx: GraphQLContext,
): Promise<NodeInterface | null> {
  const decoded = parsePublicId(id);
  if (!decoded)
    throw badInput(field, `${field} is not a Maestro id: ${JSON.stringify(id.slice(0, 40))}`);
  const { loaders, access } = ctx;
  const readWorkspace = (workspaceId: string) =>
    access.authorize('workspace.read', { workspaceId });
  const readProject = (projectId: string) =>
    access.projectByKey(projectId, 'workspace.read', field);
  switch (decoded.kind) {
    case 'Workspace': {
      const row = await loaders.workspace.load(decoded.uuid);
      return row ? (await readWorkspace(row.id), WorkspaceType.from(row)) : null;
    }
    case 'Project': {
      const row = await loaders.project.load(decoded.uuid);
      return row ? (await readProject(row.id), ProjectType.from(row)) : null;
    }
    case 'Event': {
      const row = await ctx.services.events.find(decoded.uuid);
      return row ? (await readProject(row.projectId), EventType.from(row)) : null;
    }
    case 'User': {
      // A user is visible to themself and to whoever shares a workspace with them.
      const row = await loaders.user.load(decoded.uuid);
      if (!row) return null;
      if (userOf(ctx.actor) === row.id || ctx.actor.kind === 'system') return UserType.from(row);
      for (const membership of await ctx.services.members.ofUser(row.id)) {
        const role = await access.roleOn({ workspaceId: membership.workspaceId });
        if (role !== undefined) {
          await readWorkspace(membership.workspaceId);
          return UserType.from(row);
        }
      }
      throw new DomainError(ErrorCode.FORBIDDEN, 'you share no workspace with this user');
    }
    case 'Invite': {
      const row = await ctx.services.invites.get(decoded.uuid);
      return row
        ? (await access.authorize('member.manage', { workspaceId: row.workspaceId }),
          InviteType.from(row))
        : null;
    }
    case 'ApiToken': {
      const row = await ctx.services.apiTokens.get(decoded.uuid);
      return row
        ? (await access.authorize('apiToken.manage', { workspaceId: row.workspaceId }),
          ApiTokenType.from(row))
        : null;
    }
    case 'Member': {
      const row = await loaders.member.load(decoded.uuid);
      return row ? (await readWorkspace(row.workspaceId), MemberType.from(row)) : null;
    }
    case 'Skill': {
      const row = await loaders.skill.load(decoded.uuid);
      return row ? (await readWorkspace(row.workspaceId), SkillType.from(row)) : null;
    }
    case 'Plan': {
      const row = await loaders.plan.load(decoded.uuid);
      return row ? (await readProject(row.projectId), PlanType.from(row)) : null;
    }
    case 'PlanMessage': {
      const row = await loaders.planMessage.load(decoded.uuid);
      const planId = row
        ? await ctx.services.plans.planOfConversation(row.conversationId)
        : undefined;
      const plan = planId ? await loaders.plan.load(planId) : undefined;
      return row && plan ? (await readProject(plan.projectId), PlanMessageType.from(row)) : null;
    }
    case 'Phase': {
      const row = await loaders.phase.load(decoded.uuid);
      const plan = row ? await loaders.plan.load(row.planId) : undefined;
      return row && plan ? (await readProject(plan.projectId), PhaseType.from(row)) : null;
    }
    case 'Task': {
      const row = await loaders.task.load(decoded.uuid);
      return row ? (await readProject(row.projectId), TaskType.from(row)) : null;
    }
    case 'AgentSession': {
      const row = await loaders.session.load(decoded.uuid);
      return row ? (await readProject(row.projectId), AgentSessionType.from(row)) : null;
    }
    case 'Team': {
      const row = await loaders.team.load(decoded.uuid);
      return row ? (await readProject(row.projectId), TeamType.from(row)) : null;
    }
    case 'Run': {
      const row = await loaders.run.load(decoded.uuid);
      return row ? (await readProject(row.projectId), AgentRunType.from(row)) : null;
    }
    case 'ContextFile': {
      const row = await loaders.contextFile.load(decoded.uuid);
      return row ? (await readProject(row.projectId), ContextFileType.from(row)) : null;
    }
    case 'KnowledgeArtifact': {
      const row = await loaders.knowledgeArtifact.load(decoded.uuid);
      return row ? (await readProject(row.projectId), KnowledgeArtifactGraphType.from(row)) : null;
    }
    case 'AuditEntry':
      // Audit entries are read through the audit log of a workspace, not as nodes.
      return null;
    case 'TaskComment': {
      const row = await loaders.comment.load(decoded.uuid);
      const task = row ? await loaders.task.load(row.taskId) : undefined;
      return row && task ? (await readProject(task.projectId), TaskCommentType.from(row)) : null;
    }
  }
}

/**
 * A typed lookup (`plan(id:)`, `task(id:)`, …): the id must be of `kind` (else BAD_USER_INPUT on
 * `field`), and reading is authorized exactly as for `node(id:)`; null when it does not exist.
 */
export async function readNode<T extends NodeInterface>(
  ctx: GraphQLContext,
  kind: NodeKind,
  id: string,
  field = 'id',
): Promise<T | null> {
  ctx.access.decode(kind, id, field);
  const node = await resolveNode(id, field, ctx);
  ctx.access.public();
  return node as T | null;
}
