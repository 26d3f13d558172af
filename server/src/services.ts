import type { DataSource } from 'typeorm';
import { Authorizer } from './domain/access/authorizer.js';
import { AuditService } from './domain/audit/audit.service.js';
import { ApiTokenService } from './domain/auth/api-token.service.js';
import { AuthService } from './domain/auth/auth.service.js';
import { InviteService } from './domain/auth/invite.service.js';
import { StudioLinks } from './domain/auth/links.js';
import { TokenKeys } from './domain/auth/jwt.js';
import { DEFAULT_THROTTLE_LIMITS, LoginThrottle } from './domain/auth/login-throttle.js';
import { Transactions } from './domain/common/transactions.js';
import { EventLog } from './domain/events/event-log.service.js';
import { EventRepository } from './domain/events/event.repository.js';
import { createEmbedder } from './domain/knowledge/embedder.js';
import { KnowledgeService } from './domain/knowledge/knowledge.service.js';
import { RepoAnalysisService } from './domain/knowledge/repo-analysis.service.js';
import type { OpenAICompatibleOptions } from './domain/knowledge/openai-embedder.js';
import { OpenAiChatModel } from './domain/planning/chat/chat-model.js';
import { PlanChatRepository } from './domain/planning/chat/plan-chat.repository.js';
import { PlannerService } from './domain/planning/chat/planner.service.js';
import { ReplanService } from './domain/planning/replan.service.js';
import type { OpenAiConfig } from './config/config.js';
import { PhaseRepository, PlanRepository } from './domain/plan/plan.repository.js';
import { PlanLocks } from './domain/plan/plan-locks.js';
import { PlanService } from './domain/plan/plan.service.js';
import { ProjectRepository } from './domain/project/project.repository.js';
import { ProjectService } from './domain/project/project.service.js';
import { RunRepository } from './domain/run/run.repository.js';
import { RunService } from './domain/run/run.service.js';
import { SessionService } from './domain/session/session.service.js';
import { SkillRepository } from './domain/skill/skill.repository.js';
import { SkillService } from './domain/skill/skill.service.js';
import { CommentService } from './domain/task/comment.service.js';
import { TaskCommentRepository, TaskRepository } from './domain/task/task.repository.js';
import { TaskService } from './domain/task/task.service.js';
import { MemberRepository, UserRepository } from './domain/user/member.repository.js';
import { MemberService } from './domain/user/member.service.js';
import { Delivery } from './domain/delivery/delivery.js';
import { PullRequests } from './domain/delivery/pull-requests.js';
import { GitHosts } from './domain/githost/git-hosts.js';
import { SecretBox } from './domain/githost/secret-box.js';
import { Dispatcher } from './domain/dispatch/dispatcher.js';
import type { RunHooks, WorkHooks } from './domain/dispatch/work-hooks.js';
import { Reaper } from './domain/dispatch/reaper.js';
import { RunStatus } from './domain/run/run.types.js';
import { PLANNING_PURPOSES, RunQueue } from './domain/dispatch/run-queue.js';
import { SessionRegistry } from './domain/dispatch/session-registry.js';
import { SubtaskDirectives } from './domain/dispatch/subtasks.js';
import { Teams } from './domain/dispatch/teams.js';
import { WorkspaceRepository } from './domain/workspace/workspace.repository.js';
import { WorkspaceService } from './domain/workspace/workspace.service.js';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { PubSub } from './pubsub/pubsub.js';

/** The domain services of one Studio, wired to its database and bus. */
export interface Services {
  readonly authorizer: Authorizer;
  readonly workspaces: WorkspaceService;
  readonly projects: ProjectService;
  readonly events: EventLog;
  readonly users: UserRepository;
  readonly members: MemberRepository;
  readonly memberships: MemberService;
  readonly auth: AuthService;
  readonly invites: InviteService;
  readonly apiTokens: ApiTokenService;
  readonly links: StudioLinks;
  readonly queue: RunQueue;
  readonly registry: SessionRegistry;
  readonly dispatcher: Dispatcher;
  /** The review loop, merges and releases, and the operator actions on them. */
  readonly delivery: Delivery;
  /** Git hosts' APIs (GitHub, GitLab) and the box that seals their tokens. */
  readonly hosts: GitHosts;
  /** Opens release pull requests (after commit, and on every reaper pass until they open). */
  readonly releases: PullRequests;
  /** Leads' teams and the work they delegate to their workers. */
  readonly teams: Teams;
  /** Subtask directives posted by running agents. */
  readonly subtasks: SubtaskDirectives;
  /** Returns expired leases to the queue and ends dead sessions, every 15 s, on one replica. */
  readonly reaper: Reaper;
  readonly skills: SkillService;
  readonly plans: PlanService;
  readonly tasks: TaskService;
  readonly comments: CommentService;
  readonly sessions: SessionService;
  readonly runs: RunService;
  readonly knowledge: KnowledgeService;
  readonly repoAnalysis: RepoAnalysisService;
  /** Plan chat: the model, a daemon's PLANNING run, or the plain word that nobody answers. */
  readonly planner: PlannerService;
  /** Re-planning: a proposal's diff against a plan, applied once confirmed. */
  readonly replan: ReplanService;
  readonly audit: AuditService;
  readonly transactions: Transactions;
}

export function createServices(deps: {
  dataSource: DataSource;
  pubsub: PubSub;
  metrics: Metrics;
  logger: Logger;
  /** Key material for tokens (MAESTRO_SECRET), and earlier secrets still accepted. */
  secret: string;
  previousSecrets?: readonly string[];
  loginLimits?: { perAccount: number; perAddress: number };
  /** MAESTRO_LEAD_WORKER_CAP (default 8). */
  leadWorkerCap?: number;
  /** MAESTRO_EMBEDDINGS_*: an OpenAI-compatible endpoint; by default the local lexical embedder. */
  embeddings?: OpenAICompatibleOptions | undefined;
  /** OPENAI_BASE_URL and friends: plan chat's model; undefined when none is configured. */
  openai?: OpenAiConfig | undefined;
}): Services {
  const { dataSource } = deps;
  const transactions = new Transactions(dataSource, deps.logger);
  const workspaceRepository = new WorkspaceRepository(dataSource);
  const projectRepository = new ProjectRepository(dataSource);
  const members = new MemberRepository(dataSource);
  const events = new EventLog(
    new EventRepository(dataSource),
    deps.pubsub,
    deps.metrics,
    deps.logger.child({ component: 'events' }),
  );
  const skills = new SkillService(new SkillRepository(dataSource), members, transactions);
  const phaseRepository = new PhaseRepository(dataSource);
  const taskRepository = new TaskRepository(dataSource);
  const planRepository = new PlanRepository(dataSource);
  const locks = new PlanLocks(planRepository);
  const runs = new RunService(
    new RunRepository(dataSource),
    events,
    deps.pubsub,
    deps.logger.child({ component: 'runs' }),
  );
  // The review loop follows what the queue, the plans and the tasks do, and uses all three:
  // they reach it through these forwarders, bound once it exists.
  const wired: { delivery?: Delivery; planner?: PlannerService } = {};
  const deliver = (): Delivery => {
    if (!wired.delivery) throw new Error('the review loop is not wired yet');
    return wired.delivery;
  };
  const plannerOf = (): PlannerService => {
    if (!wired.planner) throw new Error('plan chat is not wired yet');
    return wired.planner;
  };
  const runHooks: RunHooks = {
    verdictOf: (...args) => deliver().verdictOf(...args),
    runFinished: async (tx, run, verdict) => {
      await deliver().runFinished(tx, run, verdict);
      if (run.status === RunStatus.FAILED && run.planId && PLANNING_PURPOSES.includes(run.purpose))
        await plannerOf().planningRunFailed(tx, {
          id: run.id,
          planId: run.planId,
          reason: run.exitReason ?? 'no reason given',
        });
    },
  };
  const workHooks: WorkHooks = {
    taskStatusChanged: (...args) => deliver().taskStatusChanged(...args),
    planStatusChanged: (...args) => deliver().planStatusChanged(...args),
    graphChanged: (...args) => deliver().graphChanged(...args),
  };
  const queue = new RunQueue(dataSource, transactions, events, runs, runHooks);
  const dispatcher = new Dispatcher(dataSource, events, runs, queue);
  const tasks = new TaskService(
    taskRepository,
    phaseRepository,
    members,
    skills,
    locks,
    events,
    transactions,
    async (projectId, manager) =>
      (await projectRepository.findById(projectId, manager))?.workspaceId,
    workHooks,
  );
  const plans = new PlanService(
    planRepository,
    phaseRepository,
    events,
    transactions,
    tasks,
    locks,
    workHooks,
  );
  const audit = new AuditService(dataSource);
  const keys = new TokenKeys(deps.secret, deps.previousSecrets);
  const hosts = new GitHosts(new SecretBox(deps.secret, deps.previousSecrets));
  const releases = new PullRequests(
    dataSource,
    transactions,
    events,
    hosts,
    deps.logger.child({ component: 'releases' }),
  );
  const auth = new AuthService(
    dataSource,
    transactions,
    keys,
    audit,
    new LoginThrottle(dataSource, { ...DEFAULT_THROTTLE_LIMITS, ...deps.loginLimits }),
    deps.logger.child({ component: 'auth' }),
  );
  const teams = new Teams(transactions, events, runs, queue, deps.leadWorkerCap);
  const comments = new CommentService(
    new TaskCommentRepository(dataSource),
    taskRepository,
    events,
    transactions,
  );
  const delivery = new Delivery(
    transactions,
    events,
    dispatcher,
    queue,
    plans,
    tasks,
    comments,
    audit,
    releases,
  );
  wired.delivery = delivery;
  const knowledge = new KnowledgeService(
    dataSource,
    events,
    transactions,
    createEmbedder(deps.embeddings),
    deps.logger.child({ component: 'knowledge' }),
  );
  const sessions = new SessionService(dataSource);
  const replan = new ReplanService(plans, tasks, skills, events, transactions, delivery);
  const planner = new PlannerService({
    transactions,
    events,
    chat: new PlanChatRepository(dataSource),
    locks,
    knowledge,
    skills,
    sessions,
    dispatcher,
    queue,
    replan,
    model: deps.openai
      ? new OpenAiChatModel({
          baseUrl: deps.openai.baseUrl,
          apiKey: deps.openai.apiKey,
          model: deps.openai.models.hard,
        })
      : undefined,
    logger: deps.logger.child({ component: 'planner' }),
  });
  wired.planner = planner;
  return {
    queue,
    dispatcher,
    delivery,
    teams,
    subtasks: new SubtaskDirectives(transactions, queue, runs, tasks, comments),
    registry: new SessionRegistry(dataSource, transactions, events, skills, queue, teams),
    reaper: new Reaper({
      transactions,
      events,
      logger: deps.logger.child({ component: 'reaper' }),
      taskStatusChanged: (...args) => workHooks.taskStatusChanged(...args),
      // Independent chores: one failing does not hold up the other; the first failure is logged.
      planningFailed: (tx, run) => planner.planningRunFailed(tx, run),
      afterPass: async () => {
        const failures: unknown[] = [];
        for (const chore of [() => releases.openDue(), () => knowledge.reembedStale()]) {
          await chore().catch((error: unknown) => failures.push(error));
        }
        if (failures.length > 0)
          throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
      },
    }),
    authorizer: new Authorizer((userId, workspaceIds) => members.memberships(userId, workspaceIds)),
    auth,
    invites: new InviteService(dataSource, transactions, auth, keys, audit),
    apiTokens: new ApiTokenService(dataSource, transactions, audit),
    links: new StudioLinks(),
    memberships: new MemberService(dataSource, transactions, audit),
    workspaces: new WorkspaceService(workspaceRepository, transactions),
    projects: new ProjectService(
      projectRepository,
      workspaceRepository,
      events,
      transactions,
      hosts,
    ),
    hosts,
    releases,
    events,
    users: new UserRepository(dataSource),
    members,
    skills,
    plans,
    tasks,
    sessions,
    runs,
    knowledge,
    repoAnalysis: new RepoAnalysisService(
      dataSource,
      transactions,
      events,
      dispatcher,
      queue,
      knowledge,
    ),
    planner,
    replan,
    audit,
    transactions,
    comments,
  };
}
