import { EventEntity, EventStreamEntity } from '../domain/events/event.entity.js';
import {
  PhaseEntity,
  PlanConversationEntity,
  PlanEntity,
  PlanMessageEntity,
} from '../domain/plan/plan.entity.js';
import { ProjectEntity } from '../domain/project/project.entity.js';
import { MemberSkillEntity, SkillEntity } from '../domain/skill/skill.entity.js';
import {
  TaskCommentEntity,
  TaskDependencyEntity,
  TaskEntity,
  TaskSkillEntity,
} from '../domain/task/task.entity.js';
import { MemberEntity } from '../domain/user/member.entity.js';
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
];
