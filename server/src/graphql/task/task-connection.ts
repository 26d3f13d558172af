import type { TaskFilter } from '../../domain/task/task.repository.js';
import {
  toConnection,
  toPageRequest,
  type ConnectionArgs,
  type ConnectionShape,
} from '../common/connection.js';
import type { GraphQLContext } from '../context.js';
import { TaskType, type TaskFilterInput } from './task.type.js';

/** Decodes a TaskFilter's public ids and skill name into a domain filter. */
export async function toTaskFilter(
  ctx: GraphQLContext,
  workspaceId: string,
  filter: Partial<TaskFilterInput> | null | undefined,
): Promise<TaskFilter> {
  const skill = filter?.skill
    ? (await ctx.services.skills.resolve(workspaceId, 'filter.skill', [filter.skill]))[0]
    : undefined;
  return {
    planId: filter?.planId ? ctx.access.decode('Plan', filter.planId, 'filter.planId') : undefined,
    phaseId: filter?.phaseId
      ? ctx.access.decode('Phase', filter.phaseId, 'filter.phaseId')
      : undefined,
    statuses: filter?.status ?? undefined,
    assigneeMemberId: filter?.assigneeId
      ? ctx.access.decode('Member', filter.assigneeId, 'filter.assigneeId')
      : undefined,
    skillId: skill?.id,
  };
}

/** A project's tasks matching `filter`, as a connection (the caller has authorized). */
export async function taskConnection(
  ctx: GraphQLContext,
  projectKey: string,
  filter: Partial<TaskFilterInput> | null | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<TaskType>> {
  const project = await ctx.loaders.project.load(projectKey);
  if (!project) throw new Error(`no project ${projectKey}`);
  const domainFilter = await toTaskFilter(ctx, project.workspaceId, filter);
  const request = toPageRequest(args);
  const page = await ctx.services.tasks.list(projectKey, domainFilter, request);
  return toConnection(
    page,
    request,
    (row) => TaskType.from(row),
    () => ctx.services.tasks.count(projectKey, domainFilter),
  );
}
