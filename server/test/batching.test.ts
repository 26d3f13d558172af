import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { AgentRunEntity } from '../src/domain/run/run.entity.js';
import { RunStatus } from '../src/domain/run/run.types.js';
import { addSession, queueRun } from './support/agents.js';
import { ok } from './support/mutations.js';
import { recordStatements } from './support/sql-counter.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PLAN_QUERY = `query($id: ID!) {
  plan(id: $id) {
    name
    phases {
      name
      tasks {
        title
        skills { slug }
        dependsOn { id }
        runs(first: 5) { nodes { status session { name } } }
      }
    }
  }
}`;

/** A plan of `tasks` tasks over 4 phases, with skills, dependencies and runs on every task. */
async function bigPlan(
  server: TestServer,
  projectId: string,
  workspaceId: string,
  tasks: number,
): Promise<string> {
  const { plan } = await ok<{ plan: { id: string } }>(
    server,
    'createPlan',
    { projectId, name: `Plan of ${tasks}` },
    'plan { id }',
  );
  const phases: string[] = [];
  for (let i = 0; i < 4; i++) {
    phases.push(
      (
        await ok<{ phase: { id: string } }>(
          server,
          'createPhase',
          { planId: plan.id, name: `P${i}` },
          'phase { id }',
        )
      ).phase.id,
    );
  }
  const session = await addSession(server, projectId, { name: `bot-${tasks}` });
  const made: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const { task } = await ok<{ task: { id: string } }>(
      server,
      'createTask',
      {
        phaseId: phases[i % 4],
        title: `T${i}`,
        skills: i % 2 ? ['api', 'db'] : ['api'],
        dependsOn: made.length ? [made[made.length - 1]] : [],
      },
      'task { id }',
    );
    made.push(task.id);
    const run = await queueRun(server, { projectId, taskId: task.id, targetSessionId: session });
    // Claimed, as the dispatcher will record it: the run now names its session.
    await server.studio.database.dataSource.manager.update(
      AgentRunEntity,
      { id: run.id },
      { sessionId: parsePublicIdOf('AgentSession', session), status: RunStatus.RUNNING },
    );
  }
  void workspaceId;
  return plan.id;
}

describe('batching', () => {
  let server: TestServer;
  let small: string;
  let large: string;
  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    for (const name of ['API', 'DB'])
      await ok(server, 'createSkill', { workspaceId: project.workspaceId, name }, 'skill { id }');
    small = await bigPlan(server, project.id, project.workspaceId, 10);
    large = await bigPlan(server, project.id, project.workspaceId, 200);
  }, 180_000);
  afterAll(async () => {
    await server.close();
  });

  test('plan { phases { tasks { skills dependsOn runs(first: 5) { session } } } } costs the same SQL for 10 tasks as for 200', async () => {
    const run = async (id: string) => {
      let tasks = 0;
      const statements = await recordStatements(server.studio.database.dataSource, async () => {
        const data = await server.query<
          {
            plan: {
              phases: Array<{
                tasks: Array<{ runs: { nodes: Array<{ session: { name: string } | null }> } }>;
              }>;
            };
          },
          unknown
        >(PLAN_QUERY, { id });
        tasks = data.plan.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
        const sessions = data.plan.phases.flatMap((p) =>
          p.tasks.map((t) => t.runs.nodes[0]?.session?.name),
        );
        expect(new Set(sessions)).toEqual(new Set([`bot-${tasks}`]));
      });
      return { tasks, statements };
    };
    const a = await run(small);
    const b = await run(large);
    expect([a.tasks, b.tasks]).toEqual([10, 200]);
    expect(b.statements.length).toBe(a.statements.length);
    // plan, project (access), membership (access), phases, tasks, task skills, skills,
    // dependencies, dependency tasks, runs, sessions
    expect(a.statements.length).toBeLessThanOrEqual(11);
  });
});
