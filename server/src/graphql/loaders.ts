import DataLoader from 'dataloader';
import { parsePublicIdOf, toPublicId } from '../domain/common/public-id.js';
import type { AgentRunEntity } from '../domain/run/run.entity.js';
import type { Services } from '../services.js';

/** One row per key (undefined where none), fetched in one batch. */
function byKey<V>(fetch: (keys: readonly string[]) => Promise<V[]>, keyOf: (row: V) => string) {
  return new DataLoader<string, V | undefined>(async (keys) => {
    const rows = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => rows.get(key));
  });
}

/** Every row per key, in the order fetched, in one batch. */
function grouped<V>(fetch: (keys: readonly string[]) => Promise<V[]>, keyOf: (row: V) => string) {
  return new DataLoader<string, V[]>(async (keys) => {
    const groups = new Map<string, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

const id = (row: { id: string }) => row.id;

/**
 * Batches lookups made while resolving one operation, so the number of SQL statements grows
 * with the depth of a query, not with the number of objects it returns.
 */
export function createLoaders(services: Services) {
  const { workspaces, projects, skills, plans, tasks, comments, members, users } = services;
  const { sessions, runs, knowledge, events } = services;
  return {
    workspace: byKey((ids) => workspaces.getMany(ids), id),
    project: byKey((ids) => projects.getMany(ids), id),
    projectCountByWorkspace: new DataLoader<string, number>(async (ids) => {
      const counts = await projects.countByWorkspaces(ids);
      return ids.map((key) => counts.get(key) ?? 0);
    }),
    user: byKey((ids) => users.findByIds(ids), id),
    member: byKey((ids) => members.findByIds(ids), id),
    skill: byKey((ids) => skills.getMany(ids), id),
    memberSkills: grouped(
      (ids) => skills.memberSkillsOf(ids),
      (row) => row.memberId,
    ),
    plan: byKey((ids) => plans.getMany(ids), id),
    conversation: byKey(
      (ids) => plans.conversationsOf(ids),
      (row) => row.planId,
    ),
    conversationById: byKey((ids) => plans.conversationsById(ids), id),
    planMessage: byKey((ids) => plans.getMessages(ids), id),
    phase: byKey((ids) => plans.getPhases(ids), id),
    phasesOfPlan: grouped(
      (ids) => plans.phasesOf(ids),
      (row) => row.planId,
    ),
    task: byKey((ids) => tasks.getMany(ids), id),
    tasksOfPhase: grouped(
      (ids) => tasks.ofPhases(ids),
      (row) => row.phaseId,
    ),
    childrenOfTask: grouped(
      (ids) => tasks.childrenOf(ids),
      (row) => row.parentTaskId ?? '',
    ),
    skillsOfTask: grouped(
      (ids) => tasks.skillsOf(ids),
      (row) => row.taskId,
    ),
    dependenciesOfTask: grouped(
      (ids) => tasks.dependenciesOf(ids),
      (row) => row.taskId,
    ),
    dependentsOfTask: grouped(
      (ids) => tasks.dependentsOf(ids),
      (row) => row.dependsOnTaskId,
    ),
    /** By task key: its ReviewApproved and ReviewRejected events, oldest first. */
    verdictsOfTask: grouped(
      (ids) => events.reviewVerdicts(ids.map((key) => toPublicId('Task', key))),
      (event) => parsePublicIdOf('Task', String(event.payload.taskId)) ?? '',
    ),
    comment: byKey((ids) => comments.getMany(ids), id),
    session: byKey((ids) => sessions.getMany(ids), id),
    sessionSkills: grouped(
      (ids) => sessions.skillsOf(ids),
      (row) => row.sessionId,
    ),
    team: byKey((ids) => sessions.teams(ids), id),
    teamSessions: grouped(
      (ids) => sessions.membersOfTeams(ids),
      (row) => row.teamId ?? '',
    ),
    run: byKey((ids) => runs.getMany(ids), id),
    runsOfTask: runsOfTaskLoader(services),
    runCountOfTask: new DataLoader<string, number>(async (ids) => {
      const counts = await runs.countsOfTasks(ids);
      return ids.map((key) => counts.get(key) ?? 0);
    }),
    repoContext: byKey(
      (ids) => knowledge.repoContexts(ids),
      (row) => row.projectId,
    ),
    contextFile: byKey((ids) => knowledge.contextFiles(ids), id),
    contextFilesOfProject: grouped(
      (ids) => knowledge.contextFilesOf(ids),
      (row) => row.projectId,
    ),
    contextFileVersions: grouped(
      (ids) => knowledge.versionsOf(ids),
      (row) => row.fileId,
    ),
    knowledgeArtifact: byKey((ids) => knowledge.artifacts(ids), id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Key of runsOfTask: which task, how many, from which end. */
export function runsOfTaskKey(taskId: string, limit: number, fromEnd: boolean): string {
  return `${taskId}|${limit}|${fromEnd ? 'last' : 'first'}`;
}

/** The first or last n runs of many tasks: one statement per (n, end) asked for. */
function runsOfTaskLoader(services: Services) {
  return new DataLoader<string, AgentRunEntity[]>(async (keys) => {
    const parsed = keys.map((key) => {
      const [taskId = '', limit = '0', end = 'first'] = key.split('|');
      return { key, taskId, limit: Number(limit), fromEnd: end === 'last' };
    });
    const found = new Map<string, AgentRunEntity[]>(keys.map((key) => [key, []]));
    const batches = new Map<string, typeof parsed>();
    for (const item of parsed) {
      const batch = `${item.limit}|${item.fromEnd}`;
      batches.set(batch, [...(batches.get(batch) ?? []), item]);
    }
    for (const items of batches.values()) {
      const { limit, fromEnd } = items[0] as (typeof parsed)[number];
      const rows = await services.runs.runsOfTasks(
        items.map((item) => item.taskId),
        limit,
        fromEnd,
      );
      for (const row of rows) {
        found.get(runsOfTaskKey(row.taskId ?? '', limit, fromEnd))?.push(row);
      }
    }
    return keys.map((key) => found.get(key) ?? []);
  });
}
