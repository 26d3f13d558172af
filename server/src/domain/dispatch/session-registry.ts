import { returning } from '../../db/returning.js';
import type { DataSource } from 'typeorm';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { PROVIDER_NAME, requireMachineId, requireName } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import { parseProficiency } from '../skill/proficiency.js';
import type { SkillService } from '../skill/skill.service.js';
import { AgentSessionEntity, SessionRole, SessionSkillEntity } from '../session/session.entity.js';
import { isAlive } from '../session/session.service.js';
import { untargetRuns } from './reaper.js';
import type { RunQueue } from './run-queue.js';
import type { Teams } from './teams.js';

export interface NewSession {
  readonly projectId: string;
  readonly workspaceId: string;
  /** The member running the daemon (undefined for the system). */
  readonly memberId: string | undefined;
  readonly role: SessionRole;
  readonly name: string;
  readonly machineId: string;
  readonly provider?: string | undefined;
  readonly ephemeral?: boolean | undefined;
  /** The team a worker joins (row id), allocated by its lead. */
  readonly teamId?: string | undefined;
  /** Skills by id or slug, with a proficiency in any accepted spelling. */
  readonly skills: ReadonlyArray<{ readonly skill: string; readonly proficiency: unknown }>;
}

/**
 * Agent sessions coming and going: a daemon registers one per project connection, heartbeats
 * every 30 s, and ends it; presence changes (registered, ended, timed out) are events.
 * Heartbeats themselves are not: they only move `lastHeartbeatAt`.
 */
export class SessionRegistry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly skills: SkillService,
    private readonly queue: RunQueue,
    private readonly teams: Teams,
  ) {}

  async register(input: NewSession): Promise<AgentSessionEntity> {
    const name = requireName('name', input.name, 64);
    requireMachineId('machineId', input.machineId);
    const provider = input.provider?.trim() || null;
    if (provider !== null && !PROVIDER_NAME.test(provider)) {
      throw badInput('provider', 'provider must be a lower-case name like claude, codex or aider');
    }
    const levels = input.skills.map((entry, index) =>
      parseProficiency(`skills[${index}].proficiency`, entry.proficiency),
    );
    const resolved =
      input.skills.length === 0
        ? []
        : await this.skills.resolve(
            input.workspaceId,
            'skills',
            input.skills.map((entry) => entry.skill),
          );
    const bySkill = new Map<string, number>();
    input.skills.forEach((entry, index) => {
      const skill = resolved.find(
        (row) => row.slug === entry.skill.trim() || toPublicId('Skill', row.id) === entry.skill,
      );
      if (skill) bySkill.set(skill.id, Math.max(bySkill.get(skill.id) ?? 0, levels[index] ?? 0));
    });
    return this.transactions.run(async (tx) => {
      if (input.teamId) {
        await this.teams.checkJoin(tx.manager, input.teamId, input.projectId, input.role);
      }
      const session = Object.assign(new AgentSessionEntity(), {
        id: uuidv7(),
        projectId: input.projectId,
        memberId: input.memberId ?? null,
        name,
        role: input.role,
        machineId: input.machineId,
        provider,
        teamId: input.teamId ?? null,
        ephemeral: input.ephemeral ?? false,
        lastHeartbeatAt: new Date(),
        endedAt: null,
      });
      await tx.manager.insert(AgentSessionEntity, session);
      if (bySkill.size > 0) {
        await tx.manager.insert(
          SessionSkillEntity,
          [...bySkill].map(([skillId, proficiency]) => ({
            sessionId: session.id,
            skillId,
            proficiency,
          })),
        );
      }
      await this.events.append(tx, input.projectId, 'SessionRegistered', {
        sessionId: toPublicId('AgentSession', session.id),
        name,
        role: input.role,
        machineId: input.machineId,
        ...(input.teamId ? { teamId: toPublicId('Team', input.teamId) } : {}),
        skills: [...bySkill].map(([skillId, proficiency]) => ({
          skillId: toPublicId('Skill', skillId),
          proficiency,
        })),
      });
      return tx.manager.findOneByOrFail(AgentSessionEntity, { id: session.id });
    });
  }

  /** Keeps a session alive; a session that ended or timed out must register again. */
  async heartbeat(session: AgentSessionEntity): Promise<AgentSessionEntity> {
    if (!isAlive(session)) {
      throw conflict(
        `the session ${session.endedAt ? 'has ended' : 'timed out (no heartbeat for 90 s)'}; register a new one`,
        'sessionId',
      );
    }
    const rows: unknown[] = await returning(
      this.dataSource.manager,
      'UPDATE agent_session SET last_heartbeat_at = now() WHERE id = $1 AND ended_at IS NULL RETURNING id',
      [session.id],
    );
    if (rows.length === 0) throw conflict('the session has ended; register a new one', 'sessionId');
    const updated = await this.dataSource.manager.findOneBy(AgentSessionEntity, { id: session.id });
    if (!updated)
      throw new DomainError(ErrorCode.NOT_FOUND, 'sessionId: no such session', ['sessionId']);
    return updated;
  }

  /** Ends a session; its claimed runs go back to the queue. Ending twice changes nothing. */
  async end(session: AgentSessionEntity): Promise<AgentSessionEntity> {
    return this.transactions.run(async (tx) => {
      const rows: unknown[] = await returning(
        tx.manager,
        'UPDATE agent_session SET ended_at = now() WHERE id = $1 AND ended_at IS NULL RETURNING id',
        [session.id],
      );
      if (rows.length > 0) {
        const released = await this.queue.releaseAll(tx, session);
        await untargetRuns(tx, [session.id]);
        await this.events.append(tx, session.projectId, 'SessionEnded', {
          sessionId: toPublicId('AgentSession', session.id),
          releasedRuns: released,
        });
      }
      return tx.manager.findOneByOrFail(AgentSessionEntity, { id: session.id });
    });
  }
}

export { SessionRole };
