import { In, IsNull, type DataSource } from 'typeorm';
import { AgentSessionEntity, SessionSkillEntity, TeamEntity } from './session.entity.js';

/** A session without a heartbeat for this long is dead. */
export const SESSION_TIMEOUT_MS = 90_000;

export function isAlive(session: AgentSessionEntity, now: number = Date.now()): boolean {
  return session.endedAt === null && now - session.lastHeartbeatAt.getTime() <= SESSION_TIMEOUT_MS;
}

/**
 * Reading agent sessions and teams. Registering, heartbeats and ending arrive with the dispatch
 * engine; this is what the API shows of them.
 */
export class SessionService {
  constructor(private readonly dataSource: DataSource) {}

  private get manager() {
    return this.dataSource.manager;
  }

  async get(id: string): Promise<AgentSessionEntity | undefined> {
    return (await this.manager.findOneBy(AgentSessionEntity, { id })) ?? undefined;
  }

  getMany(ids: readonly string[]): Promise<AgentSessionEntity[]> {
    return this.manager.findBy(AgentSessionEntity, { id: In([...ids]) });
  }

  /** A project's sessions, newest first; ended ones only when asked. */
  inProject(projectId: string, includeEnded: boolean): Promise<AgentSessionEntity[]> {
    return this.manager.find(AgentSessionEntity, {
      where: includeEnded ? { projectId } : { projectId, endedAt: IsNull() },
      order: { id: 'DESC' },
    });
  }

  skillsOf(sessionIds: readonly string[]): Promise<SessionSkillEntity[]> {
    return this.manager.findBy(SessionSkillEntity, { sessionId: In([...sessionIds]) });
  }

  teams(ids: readonly string[]): Promise<TeamEntity[]> {
    return this.manager.findBy(TeamEntity, { id: In([...ids]) });
  }

  membersOfTeams(teamIds: readonly string[]): Promise<AgentSessionEntity[]> {
    return this.manager.find(AgentSessionEntity, {
      where: { teamId: In([...teamIds]) },
      order: { id: 'ASC' },
    });
  }
}
