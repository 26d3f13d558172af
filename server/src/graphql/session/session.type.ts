import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  SessionRole,
  type AgentSessionEntity,
  type TeamEntity,
} from '../../domain/session/session.entity.js';
import { isAlive } from '../../domain/session/session.service.js';
import { NodeInterface } from '../common/node.type.js';

registerEnumType(SessionRole, { name: 'SessionRole' });

@ObjectType('AgentSession', {
  implements: NodeInterface,
  description:
    "One daemon's connection to a project: a lead or a worker, with the skills it offers.",
})
export class AgentSessionType extends NodeInterface {
  @Field({ description: 'The bot name shown in reports.' })
  name: string;

  @Field(() => SessionRole)
  role: SessionRole;

  @Field({ description: "The daemon machine's stable id." })
  machineId: string;

  @Field(() => String, {
    nullable: true,
    description: 'claude, codex, gemini, aider, openai, manual or command.',
  })
  provider: string | null;

  @Field()
  ephemeral: boolean;

  @Field({ description: 'Not ended, and a heartbeat within the last 90 s.' })
  alive: boolean;

  @Field()
  lastHeartbeatAt: Date;

  @Field(() => Date, { nullable: true })
  endedAt: Date | null;

  @Field()
  createdAt: Date;

  key: string;
  projectKey: string;
  memberKey: string | null;
  teamKey: string | null;

  static from(entity: AgentSessionEntity): AgentSessionType {
    return Object.assign(new AgentSessionType(), {
      id: toPublicId('AgentSession', entity.id),
      key: entity.id,
      projectKey: entity.projectId,
      memberKey: entity.memberId,
      teamKey: entity.teamId,
      name: entity.name,
      role: entity.role,
      machineId: entity.machineId,
      provider: entity.provider,
      ephemeral: entity.ephemeral,
      alive: isAlive(entity),
      lastHeartbeatAt: entity.lastHeartbeatAt,
      endedAt: entity.endedAt,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('SessionSkill', { description: 'A skill a session offers.' })
export class SessionSkillType {
  @Field(() => Int, { description: '1 (beginner) to 5 (expert).' })
  proficiency: number;

  @Field()
  label: string;

  skillKey: string;
}

@ObjectType('Team', {
  implements: NodeInterface,
  description: 'A lead and its workers, sharing a channel.',
})
export class TeamType extends NodeInterface {
  @Field({ description: 'The shared channel, e.g. private-team.<id>.' })
  channel: string;

  @Field(() => Int, { description: 'Workers in all: dev + review + test.' })
  workerCount: number;

  @Field(() => Int)
  devWorkers: number;

  @Field(() => Int)
  reviewWorkers: number;

  @Field(() => Int)
  testWorkers: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  key: string;
  leadKey: string;

  static from(entity: TeamEntity): TeamType {
    return Object.assign(new TeamType(), {
      id: toPublicId('Team', entity.id),
      key: entity.id,
      leadKey: entity.leadSessionId,
      channel: entity.channel,
      workerCount: entity.workerCount,
      devWorkers: entity.devWorkers,
      reviewWorkers: entity.reviewWorkers,
      testWorkers: entity.testWorkers,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}
