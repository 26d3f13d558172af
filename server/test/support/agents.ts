import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../src/domain/common/ids.js';
import { parsePublicIdOf, toPublicId } from '../../src/domain/common/public-id.js';
import { OutputStream, type AgentRunEntity } from '../../src/domain/run/run.entity.js';
import type { NewRun } from '../../src/domain/run/run.service.js';
import { RunPurpose } from '../../src/domain/run/run.types.js';
import {
  AgentSessionEntity,
  SessionRole,
  SessionSkillEntity,
} from '../../src/domain/session/session.entity.js';
import type { TestServer } from './test-server.js';

function key(kind: 'Project' | 'Task' | 'Skill' | 'AgentSession' | 'Run', id: string): string {
  const decoded = parsePublicIdOf(kind, id);
  if (!decoded) throw new Error(`not a ${kind} id: ${id}`);
  return decoded;
}

/**
 * A connected agent session, written straight to the database (registering arrives with the
 * dispatch engine). Returns its public id.
 */
export async function addSession(
  server: TestServer,
  projectId: string,
  options: {
    name?: string;
    role?: SessionRole;
    skills?: Array<[string, number]>;
    heartbeatAgoMs?: number;
    ended?: boolean;
    /** The member running it (a row key), as registerSession records it. */
    memberKey?: string;
  } = {},
): Promise<string> {
  const manager = server.studio.database.dataSource.manager;
  const id = uuidv7();
  await manager.insert(AgentSessionEntity, {
    id,
    projectId: key('Project', projectId),
    memberId: options.memberKey ?? null,
    name: options.name ?? `bot-${randomBytes(3).toString('hex')}`,
    role: options.role ?? SessionRole.WORKER,
    machineId: `machine-${randomBytes(4).toString('hex')}`,
    provider: 'claude',
    teamId: null,
    ephemeral: false,
    lastHeartbeatAt: new Date(Date.now() - (options.heartbeatAgoMs ?? 0)),
    endedAt: options.ended ? new Date() : null,
  });
  for (const [skillId, proficiency] of options.skills ?? []) {
    await manager.insert(SessionSkillEntity, {
      sessionId: id,
      skillId: key('Skill', skillId),
      proficiency,
    });
  }
  return toPublicId('AgentSession', id);
}

/** Queues a run the way the dispatcher does (in a transaction, emitting RunQueued). */
export async function queueRun(
  server: TestServer,
  run: {
    projectId: string;
    taskId?: string;
    purpose?: RunPurpose;
    targetSessionId?: string;
  } & Partial<Pick<NewRun, 'dispatchReason' | 'model'>>,
): Promise<AgentRunEntity> {
  const { transactions, runs } = server.studio.services;
  return transactions.run((tx) =>
    runs.enqueue(tx, {
      projectId: key('Project', run.projectId),
      taskId: run.taskId ? key('Task', run.taskId) : null,
      purpose: run.purpose ?? RunPurpose.EXECUTION,
      targetSessionId: run.targetSessionId ? key('AgentSession', run.targetSessionId) : null,
      dispatchReason: run.dispatchReason ?? null,
      model: run.model ?? null,
    }),
  );
}

/** Appends output chunks to a run (as the dispatcher does once it has checked the lease). */
export async function appendOutput(
  server: TestServer,
  runId: string,
  chunks: string[],
  stream = OutputStream.STDOUT,
) {
  const { transactions, runs } = server.studio.services;
  return transactions.run((tx) =>
    runs.appendOutput(
      tx,
      runId.startsWith('run_') ? key('Run', runId) : runId,
      chunks.map((chunk) => ({ stream, chunk })),
    ),
  );
}
