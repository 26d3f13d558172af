import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiTokenResolver } from './auth/api-token.resolver.js';
import { AuditEntryResolver } from './auth/audit.resolver.js';
import { AuthResolver } from './auth/auth.resolver.js';
import { InviteResolver } from './auth/invite.resolver.js';
import { requireAuthorization } from './authorization.js';
import { DispatchResolver } from './dispatch/dispatch.resolver.js';
import { EventResolver } from './events/event.resolver.js';
import { ContextFileResolver, ProjectKnowledgeResolver } from './knowledge/knowledge.resolver.js';
import { RepoAnalysisResolver } from './knowledge/repo-analysis.resolver.js';
import { NodeResolver } from './node.resolver.js';
import { PhaseResolver } from './plan/phase.resolver.js';
import { PlanConversationResolver, PlanResolver } from './plan/plan.resolver.js';
import { ProposalResolver } from './plan/proposal.resolver.js';
import { PlanMessageDiffResolver, ReplanResolver } from './plan/replan.resolver.js';
import { PlanChatResolver } from './plan/chat.resolver.js';
import { ProjectResolver } from './project/project.resolver.js';
import { RunResolver, TaskRunsResolver } from './run/run.resolver.js';
import { SessionResolver, SessionSkillResolver, TeamResolver } from './session/session.resolver.js';
import { SkillResolver } from './skill/skill.resolver.js';
import { TaskCommentResolver } from './task/comment.resolver.js';
import { TaskResolver } from './task/task.resolver.js';
import { ReviewVerdictResolver, TaskVerdictsResolver } from './task/verdict.resolver.js';
import {
  MemberResolver,
  MemberSkillResolver,
  ProjectRoleResolver,
  ViewerResolver,
} from './user/user.resolver.js';
import { WorkspaceResolver } from './workspace/workspace.resolver.js';

export const RESOLVERS = [
  NodeResolver,
  AuthResolver,
  InviteResolver,
  ApiTokenResolver,
  DispatchResolver,
  AuditEntryResolver,
  ViewerResolver,
  ProjectRoleResolver,
  WorkspaceResolver,
  MemberResolver,
  MemberSkillResolver,
  SkillResolver,
  ProjectResolver,
  PlanResolver,
  PlanConversationResolver,
  ProposalResolver,
  ReplanResolver,
  PlanMessageDiffResolver,
  PlanChatResolver,
  PhaseResolver,
  TaskResolver,
  TaskCommentResolver,
  TaskVerdictsResolver,
  ReviewVerdictResolver,
  EventResolver,
  SessionResolver,
  SessionSkillResolver,
  TeamResolver,
  RunResolver,
  TaskRunsResolver,
  ProjectKnowledgeResolver,
  ContextFileResolver,
  RepoAnalysisResolver,
] as const;

/**
 * type-graphql wants a topic-based pub/sub even when every subscription brings its own
 * `subscribe` (ours stream from the event log, which back-fills). This one refuses topic-based
 * subscriptions, so none can be added that would skip the log.
 */
const topicSubscriptionsRefused = {
  publish(): void {
    throw new Error('topic-based subscriptions are not used: publish through the event log');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('topic-based subscriptions are not used: give @Subscription a subscribe()');
  },
};

/** The public schema. Validation lives in the domain services, so class-validator is off. */
export async function buildGraphQLSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    validate: false,
    pubSub: topicSubscriptionsRefused,
  });
  return requireAuthorization(schema);
}

/** The SDL committed as schema/schema.graphql: sorted, so the diff of a change is its own. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema)).trim()}\n`;
}
