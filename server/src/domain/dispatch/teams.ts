import type { EntityManager } from 'typeorm';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireInteger, requireName, requireText } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import type { AgentRunEntity } from '../run/run.entity.js';
import type { RunService } from '../run/run.service.js';
import { RunPurpose } from '../run/run.types.js';
import { AgentSessionEntity, SessionRole, TeamEntity } from '../session/session.entity.js';
import { isAlive, SESSION_TIMEOUT_MS } from '../session/session.service.js';
import type { RunQueue } from './run-queue.js';

/** How many workers one lead may have in flight, unless MAESTRO_LEAD_WORKER_CAP says otherwise. */
export const DEFAULT_LEAD_WORKER_CAP = 8;

/** The roles a team's workers take; a delegation packet names one. */
export enum WorkerRole {
  DEV = 'DEV',
  REVIEW = 'REVIEW',
  TEST = 'TEST',
}

export interface TeamCounts {
  readonly dev: number;
  readonly review: number;
  readonly test: number;
}

/** What a lead hands a worker with delegateRun. */
export interface DelegationPacket {
  readonly title: string;
  readonly instructions: string;
  readonly role?: WorkerRole | undefined;
}

/** The name of a team's shared channel (the gateway's private-team.<id>). */
export function teamChannel(teamId: string): string {
  return `private-team.${toPublicId('Team', teamId)}`;
}

const OPEN_RUN_STATUSES = `('QUEUED', 'CLAIMED', 'RUNNING', 'PAUSED')`;

/**
 * A lead and its workers (DESIGN §4, REFERENCE §4.8). A lead allocates one team — a shared
 * channel and worker counts by role — and workers register into it; a lead hands work to its
 * workers directly with delegateRun. One cap bounds a lead's fan-out: the team's size and the
 * delegated runs it has open.
 */
export class Teams {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly runs: RunService,
    private readonly queue: RunQueue,
    readonly workerCap: number = DEFAULT_LEAD_WORKER_CAP,
  ) {}

  /**
   * Allocates the lead's team, or changes its counts when it has one: `dev + review + test`
   * workers (at least one, at most the cap, and no fewer than are connected now).
   */
  async allocate(lead: AgentSessionEntity, counts: TeamCounts): Promise<TeamEntity> {
    if (lead.role !== SessionRole.LEAD) {
      throw badInput('sessionId', 'only a LEAD session allocates a team; workers join one');
    }
    if (!isAlive(lead)) {
      throw conflict('the session has ended or timed out; register a new one', 'sessionId');
    }
    const dev = requireInteger('dev', counts.dev, 0, this.workerCap);
    const review = requireInteger('review', counts.review, 0, this.workerCap);
    const test = requireInteger('test', counts.test, 0, this.workerCap);
    const total = dev + review + test;
    if (total === 0)
      throw badInput('dev', 'a team needs at least one worker (dev, review or test)');
    if (total > this.workerCap) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `a lead may have at most ${this.workerCap} workers in flight (MAESTRO_LEAD_WORKER_CAP); ` +
          `${total} were asked for (${dev} dev, ${review} review, ${test} test)`,
        ['dev'],
      );
    }
    return this.transactions.run(async (tx) => {
      const manager = tx.manager;
      const existing = await manager
        .createQueryBuilder(TeamEntity, 'team')
        .setLock('pessimistic_write')
        .where('team.lead_session_id = :lead', { lead: lead.id })
        .getOne();
      if (existing) {
        const connected = await liveWorkers(manager, existing.id);
        if (total < connected) {
          throw conflict(
            `${connected} workers are connected to the team; end some before shrinking it to ${total}`,
            'dev',
          );
        }
      }
      const team = Object.assign(existing ?? new TeamEntity(), {
        id: existing?.id ?? uuidv7(),
        projectId: lead.projectId,
        leadSessionId: lead.id,
        workerCount: total,
        devWorkers: dev,
        reviewWorkers: review,
        testWorkers: test,
      });
      team.channel = teamChannel(team.id);
      await manager.save(TeamEntity, team);
      await manager.update(AgentSessionEntity, { id: lead.id }, { teamId: team.id });
      await this.events.append(tx, lead.projectId, 'TeamAllocated', {
        teamId: toPublicId('Team', team.id),
        leadSessionId: toPublicId('AgentSession', lead.id),
        channel: team.channel,
        dev,
        review,
        test,
        workerCount: total,
      });
      return manager.findOneByOrFail(TeamEntity, { id: team.id });
    });
  }

  /**
   * Checks, in the registering transaction, that a worker may join `teamId`: a team of the
   * same project whose lead is alive, with a free place. Locks the team so two workers racing
   * for the last place cannot both take it.
   */
  async checkJoin(
    manager: EntityManager,
    teamId: string,
    projectId: string,
    role: SessionRole,
  ): Promise<void> {
    if (role !== SessionRole.WORKER) {
      throw badInput('teamId', 'only WORKER sessions join a team; a lead allocates one');
    }
    const team = await manager
      .createQueryBuilder(TeamEntity, 'team')
      .setLock('pessimistic_write')
      .where('team.id = :id', { id: teamId })
      .getOne();
    if (!team || team.projectId !== projectId) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'teamId: no such team in this project', [
        'teamId',
      ]);
    }
    const lead = await manager.findOneBy(AgentSessionEntity, { id: team.leadSessionId });
    if (!lead || !isAlive(lead)) {
      throw conflict("the team's lead has ended; its workers cannot join any more", 'teamId');
    }
    const connected = await liveWorkers(manager, team.id);
    if (connected >= team.workerCount) {
      throw conflict(
        `the team is full: ${connected} of ${team.workerCount} workers are connected`,
        'teamId',
      );
    }
  }

  /**
   * A lead hands a worker of its team a packet of work under the lead's own run (fenced by
   * its leaseVersion): a run of the same task, targeted at the worker and pushed to it, that
   * carries the packet and names the lead's run as its parent. Refused beyond the lead's cap
   * of open delegated runs.
   */
  async delegate(
    leadRun: AgentRunEntity,
    leaseVersion: number,
    lead: AgentSessionEntity,
    worker: AgentSessionEntity,
    packet: DelegationPacket,
  ): Promise<AgentRunEntity> {
    const title = requireName('packet.title', packet.title, 200);
    const instructions = requireText('packet.instructions', packet.instructions, 50_000);
    if (instructions.trim() === '') {
      throw badInput('packet.instructions', 'packet.instructions must say what to do');
    }
    const role = packet.role ?? WorkerRole.DEV;
    if (lead.role !== SessionRole.LEAD || leadRun.sessionId !== lead.id) {
      throw badInput('runId', 'delegateRun needs a run held by a LEAD session');
    }
    if (worker.id === lead.id || worker.role !== SessionRole.WORKER) {
      throw badInput('workerSessionId', 'work is delegated to a WORKER session');
    }
    if (worker.projectId !== lead.projectId) {
      throw badInput('workerSessionId', 'the worker is connected to another project');
    }
    if (!lead.teamId || worker.teamId !== lead.teamId) {
      throw conflict(
        "the worker is not in this lead's team (allocateTeam, then register it with teamId)",
        'workerSessionId',
      );
    }
    if (!isAlive(worker)) {
      throw conflict('the worker has ended or timed out', 'workerSessionId');
    }
    return this.transactions.run(async (tx) => {
      const held = await this.queue.underLease(tx, leadRun, leaseVersion);
      const rows: Array<{ open: string }> = await tx.manager.query(
        `SELECT count(*) AS open FROM agent_run d JOIN agent_run p ON p.id = d.parent_run_id
          WHERE p.session_id = $1 AND d.status IN ${OPEN_RUN_STATUSES}`,
        [lead.id],
      );
      const open = Number(rows[0]?.open ?? 0);
      if (open >= this.workerCap) {
        throw conflict(
          `the lead has ${open} delegated runs in flight, its cap (MAESTRO_LEAD_WORKER_CAP is ${this.workerCap}); wait for one to finish`,
          'workerSessionId',
        );
      }
      const leadId = toPublicId('AgentSession', lead.id);
      const workerId = toPublicId('AgentSession', worker.id);
      const run = await this.runs.enqueue(tx, {
        projectId: held.projectId,
        planId: held.planId,
        taskId: held.taskId,
        purpose: RunPurpose.EXECUTION,
        targetSessionId: worker.id,
        parentRunId: held.id,
        instructions: { kind: 'delegation', title, instructions, role, leadSessionId: leadId },
        dispatchReason: {
          rule: 'delegated: a lead hands work to a worker of its team',
          candidates: [],
          winner: workerId,
          explanation: `${lead.name} delegated "${title}" (${role.toLowerCase()}) to ${worker.name}`,
        },
      });
      await this.events.append(tx, held.projectId, 'RunDelegated', {
        runId: toPublicId('Run', run.id),
        parentRunId: toPublicId('Run', held.id),
        ...(held.taskId ? { taskId: toPublicId('Task', held.taskId) } : {}),
        leadSessionId: leadId,
        workerSessionId: workerId,
        teamId: toPublicId('Team', lead.teamId as string),
        title,
        role,
      });
      return run;
    });
  }
}

/** Worker sessions of a team that are alive now. */
async function liveWorkers(manager: EntityManager, teamId: string): Promise<number> {
  const rows: Array<{ n: string }> = await manager.query(
    `SELECT count(*) AS n FROM agent_session
      WHERE team_id = $1 AND role = 'WORKER' AND ended_at IS NULL
        AND last_heartbeat_at > now() - make_interval(secs => $2)`,
    [teamId, SESSION_TIMEOUT_MS / 1000],
  );
  return Number(rows[0]?.n ?? 0);
}
