import {
  ApiTokenEntity,
  InviteEntity,
  LoginThrottleEntity,
  RefreshTokenEntity,
  SetupTokenEntity,
} from '../domain/auth/auth.entity.js';
import { AuditEntryEntity } from '../domain/audit/audit.entity.js';
import { EventEntity, EventStreamEntity } from '../domain/events/event.entity.js';
import {
  KnowledgeArtifactEntity,
  ProjectContextFileEntity,
  ProjectContextFileVersionEntity,
  RepoContextEntity,
} from '../domain/knowledge/knowledge.entity.js';
import {
  PhaseEntity,
  PlanConversationEntity,
  PlanEntity,
  PlanMessageEntity,
} from '../domain/plan/plan.entity.js';
import { ProjectEntity } from '../domain/project/project.entity.js';
import { AgentRunEntity, RunOutputEntity } from '../domain/run/run.entity.js';
import {
  AgentSessionEntity,
  SessionSkillEntity,
  TeamEntity,
} from '../domain/session/session.entity.js';
import { MemberSkillEntity, SkillEntity } from '../domain/skill/skill.entity.js';
import {
  TaskCommentEntity,
  TaskDependencyEntity,
  TaskEntity,
  TaskSkillEntity,
} from '../domain/task/task.entity.js';
import { MemberEntity } from '../domain/user/member.entity.js';
import { ProjectMemberEntity } from '../domain/user/project-member.entity.js';
import { UserEntity } from '../domain/user/user.entity.js';
import { WorkspaceEntity } from '../domain/workspace/workspace.entity.js';

/** Every TypeORM entity; a new entity is registered here and gets a migration. */
export const ENTITIES = [
  WorkspaceEntity,
  ProjectEntity,
  EventEntity,
  EventStreamEntity,
  UserEntity,
  MemberEntity,
  SkillEntity,
  MemberSkillEntity,
  PlanEntity,
  PlanConversationEntity,
  PlanMessageEntity,
  PhaseEntity,
  TaskEntity,
  TaskSkillEntity,
  TaskDependencyEntity,
  TaskCommentEntity,
  TeamEntity,
  AgentSessionEntity,
  SessionSkillEntity,
  AgentRunEntity,
  RunOutputEntity,
  RepoContextEntity,
  ProjectContextFileEntity,
  ProjectContextFileVersionEntity,
  KnowledgeArtifactEntity,
  AuditEntryEntity,
  ProjectMemberEntity,
  RefreshTokenEntity,
  ApiTokenEntity,
  InviteEntity,
  LoginThrottleEntity,
  SetupTokenEntity,
];
