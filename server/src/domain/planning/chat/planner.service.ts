import type { Logger } from '../../../logging/logger.js';
import { badInput, conflict } from '../../common/errors.js';
import { toPublicId } from '../../common/public-id.js';
import type { Transactions, Tx } from '../../common/transactions.js';
import type { Dispatcher } from '../../dispatch/dispatcher.js';
import type { RunQueue } from '../../dispatch/run-queue.js';
import type { EventLog } from '../../events/event-log.service.js';
import {
  KnowledgeArtifactType,
  type KnowledgeArtifactEntity,
} from '../../knowledge/knowledge.entity.js';
import type { KnowledgeService } from '../../knowledge/knowledge.service.js';
import {
  PlanMessageAuthor,
  type PlanMessageEntity,
  PlanMessageKind,
  type PlanEntity,
} from '../../plan/plan.entity.js';
import { EDITABLE_PLAN_STATUSES } from '../../plan/plan-lifecycle.js';
import type { PlanLocks } from '../../plan/plan-locks.js';
import type { ProjectEntity } from '../../project/project.entity.js';
import type { AgentRunEntity } from '../../run/run.entity.js';
import { RunPurpose } from '../../run/run.types.js';
import { isAlive } from '../../session/session.service.js';
import type { SessionService } from '../../session/session.service.js';
import type { SkillService } from '../../skill/skill.service.js';
import type { ReplanService } from '../replan.service.js';
import { ANSWER_HOLD_MS, ChatAnswer } from './chat-answer.js';
import { PlanChatLog } from './plan-chat-log.js';
import type { ChatModel } from './chat-model.js';
import { PLAN_CHAT_RUN, type PlanChatRepository } from './plan-chat.repository.js';
import {
  buildPlannerPrompt,
  PROMPT_LIMITS,
  renderPlannerPrompt,
  type PlannerPromptInput,
  type PromptKnowledgeHit,
} from './planner-prompt.js';

/** Who answers a plan chat message. */
export enum PlannerKind {
  /** The configured OpenAI-compatible endpoint, streamed. */
  OPENAI = 'OPENAI',
  /** A PLANNING run on a connected daemon. */
  DAEMON = 'DAEMON',
  /** Nobody: Studio says so in the conversation. */
  NONE = 'NONE',
}

/** The longest message a user may send to the planner. */
export const MAX_CHAT_TEXT = 20_000;
/** The longest reply a daemon may post. */
export const MAX_PROPOSAL_TEXT = 200_000;
/** Messages of the conversation the prompt is built from. */
const HISTORY = 50;
const KNOWLEDGE_HITS = 6;

export const NO_PLANNER_NOTICE =
  'No planner is available for this project: Studio has no model endpoint configured and no ' +
  'daemon is connected to the project. To get answers here, set OPENAI_BASE_URL (and ' +
  'OPENAI_API_KEY) for Studio, or connect a daemon with `maestro connect`. Meanwhile, write ' +
  'the plan in the editor, or import a proposal with createPlanFromProposal.';

export interface PlannerDeps {
  readonly transactions: Transactions;
  readonly events: EventLog;
  readonly chat: PlanChatRepository;
  readonly locks: PlanLocks;
  readonly knowledge: KnowledgeService;
  readonly skills: SkillService;
  readonly sessions: SessionService;
  readonly dispatcher: Dispatcher;
  readonly queue: RunQueue;
  /** The plan as it is, for the prompt (re-planning's view of it). */
  readonly replan: Pick<ReplanService, 'current'>;
  /** The OpenAI-compatible endpoint; undefined when none is configured. */
  readonly model: ChatModel | undefined;
  readonly logger: Logger;
}

/**
 * Plan chat (docs/planning.md, "Plan chat"): records the user's message and has it answered by
 * the configured model (streamed into the conversation), else by a PLANNING run on a connected
 * daemon, else says plainly that no planner is available. Never a made-up answer.
 */
export class PlannerService {
  /** Plans whose answer streams from the model in this process. */
  private readonly answering = new Map<string, { abort: AbortController; done: Promise<void> }>();

  /** Writes the conversation: messages, streamed text, classified replies. */
  private readonly log: PlanChatLog;

  constructor(private readonly deps: PlannerDeps) {
    this.log = new PlanChatLog(deps.events, deps.chat);
  }

  /** Records the user's message and starts the answer; returns the message and who answers. */
  async send(
    plan: PlanEntity,
    project: ProjectEntity,
    rawText: string,
  ): Promise<{ message: PlanMessageEntity; planner: PlannerKind }> {
    const text = rawText.trim();
    if (text.length < 1 || text.length > MAX_CHAT_TEXT) {
      throw badInput('text', `text must be 1-${MAX_CHAT_TEXT} characters, got ${text.length}`);
    }
    refuseClosed(plan);
    this.refuseWhileAnswering(plan.id);
    const planner = this.deps.model
      ? PlannerKind.OPENAI
      : (await this.daemonConnected(project.id))
        ? PlannerKind.DAEMON
        : PlannerKind.NONE;
    // reserved at once, so a second message in the same moment is refused
    const abort = new AbortController();
    let release = (): void => undefined;
    if (planner === PlannerKind.OPENAI) {
      const done = new Promise<void>((resolve) => (release = resolve));
      this.answering.set(plan.id, { abort, done });
    }
    try {
      const prompt =
        planner === PlannerKind.NONE ? undefined : await this.promptInput(plan, project, text);
      const message = await this.deps.transactions.run(async (tx) => {
        refuseClosed(await this.deps.locks.lock(tx, plan.id));
        const open = await this.deps.chat.openChatRun(tx.manager, plan.id);
        if (open) {
          throw conflict(
            `the planner is still answering the previous message (run ${toPublicId('Run', open)}); wait for its reply`,
            'planId',
          );
        }
        // the model answering on another replica (this one's answers are refused above)
        const heldUntil = await this.deps.chat.answerHeldUntil(tx.manager, plan.id);
        if (heldUntil) {
          throw conflict(
            `the planner is still answering the previous message (on another Studio replica, which holds the conversation until ${heldUntil.toISOString()} unless it answers first); wait for its reply`,
            'planId',
          );
        }
        if (planner === PlannerKind.OPENAI) {
          await this.deps.chat.holdAnswer(tx.manager, plan.id, ANSWER_HOLD_MS);
        }
        const conversation = await this.deps.chat.conversationOf(tx.manager, plan.id);
        const [last] = await this.deps.chat.recent(conversation.id, 1, tx.manager);
        const saved = await this.log.post(tx, plan, {
          kind:
            last?.author === PlanMessageAuthor.PLANNER && last.kind === PlanMessageKind.QUESTION
              ? PlanMessageKind.CLARIFICATION
              : PlanMessageKind.FOLLOW_UP,
          author: PlanMessageAuthor.USER,
          body: text,
        });
        if (planner === PlannerKind.NONE) {
          await this.log.notice(tx, plan, NO_PLANNER_NOTICE);
        } else if (planner === PlannerKind.DAEMON && prompt) {
          await this.deps.dispatcher.enqueueFor(tx, {
            projectId: plan.projectId,
            planId: plan.id,
            purpose: RunPurpose.PLANNING,
            instructions: {
              kind: PLAN_CHAT_RUN,
              messageId: toPublicId('PlanMessage', saved.id),
              prompt: renderPlannerPrompt(prompt),
            },
          });
        }
        return saved;
      });
      if (planner === PlannerKind.OPENAI && prompt && this.deps.model) {
        const answer = new ChatAnswer(
          {
            transactions: this.deps.transactions,
            log: this.log,
            chat: this.deps.chat,
            knownSkills: this.knownSkills,
          },
          this.deps.model,
          plan,
          this.deps.logger,
        );
        void answer
          .run(buildPlannerPrompt(prompt), abort.signal)
          .finally(() => this.finishAnswer(plan.id, release));
      }
      return { message, planner };
    } catch (error) {
      if (planner === PlannerKind.OPENAI) this.finishAnswer(plan.id, release);
      throw error;
    }
  }

  /**
   * A PLANNING or REFINE run's reply, posted under its lease: classified like the model's
   * and recorded as the planner's message (with Studio's note when it is a malformed proposal).
   */
  async postFromRun(
    run: AgentRunEntity,
    leaseVersion: number,
    rawText: string,
  ): Promise<{ message: PlanMessageEntity; notice: PlanMessageEntity | null }> {
    if (run.purpose !== RunPurpose.PLANNING && run.purpose !== RunPurpose.REFINE) {
      throw badInput(
        'runId',
        `only PLANNING and REFINE runs post proposals; this run is ${run.purpose}`,
      );
    }
    if (!run.planId) throw badInput('runId', 'this run belongs to no plan');
    const planId = run.planId;
    const text = rawText.trim();
    if (text.length < 1 || text.length > MAX_PROPOSAL_TEXT) {
      throw badInput('text', `text must be 1-${MAX_PROPOSAL_TEXT} characters, got ${text.length}`);
    }
    const knownSkills = await this.knownSkills(run.projectId);
    return this.deps.transactions.run(async (tx) => {
      await this.deps.queue.underLease(tx, run, leaseVersion);
      const plan = await this.deps.locks.lock(tx, planId);
      // a retried call (the daemon did not hear the answer) records nothing twice
      const conversation = await this.deps.chat.conversationOf(tx.manager, planId);
      const posted = await this.deps.chat.lastFromPlannerSince(
        tx.manager,
        conversation.id,
        run.queuedAt,
      );
      if (posted?.body === text) return { message: posted, notice: null };
      return this.log.record(tx, plan, undefined, text, knownSkills);
    });
  }

  /**
   * A PLANNING or REFINE run of a plan failed — by failRun, or the reaper when its attempts ran
   * out — without posting a reply: the conversation says so, in the failing transaction, so
   * the person who asked is not left waiting. A run that did post its reply adds nothing.
   */
  async planningRunFailed(
    tx: Tx,
    run: { readonly id: string; readonly planId: string; readonly reason: string },
  ): Promise<void> {
    const rows: Array<{ queued_at: Date; purpose: RunPurpose }> = await tx.manager.query(
      'SELECT queued_at, purpose FROM agent_run WHERE id = $1',
      [run.id],
    );
    const found = rows[0];
    if (!found) return;
    const plan = await this.deps.locks.lock(tx, run.planId);
    const conversation = await this.deps.chat.conversationOf(tx.manager, run.planId);
    if (await this.deps.chat.lastFromPlannerSince(tx.manager, conversation.id, found.queued_at)) {
      return;
    }
    const what = found.purpose === RunPurpose.REFINE ? 're-plan' : 'answer';
    await this.log.notice(
      tx,
      plan,
      `The daemon's planner could not ${what}: its ${found.purpose} run ${toPublicId('Run', run.id)} failed (${run.reason}). Nothing was built. ${found.purpose === RunPurpose.REFINE ? 'The plan stays as it is.' : 'Send the message again to ask once more.'}`,
    );
  }

  /** Stops the answers streaming in this process and waits for them to settle (shutdown). */
  async idle(): Promise<void> {
    const running = [...this.answering.values()];
    for (const answer of running) answer.abort.abort('Studio is stopping');
    await Promise.all(running.map((answer) => answer.done));
  }

  /** The workspace's skill slugs, for the parser. */
  private readonly knownSkills = async (projectId: string): Promise<ReadonlySet<string>> => {
    const workspaceId = await this.workspaceOf(projectId);
    return new Set((await this.deps.skills.inWorkspace(workspaceId)).map((skill) => skill.slug));
  };

  // ---- the prompt ---------------------------------------------------------------------------

  private async promptInput(
    plan: PlanEntity,
    project: ProjectEntity,
    text: string,
  ): Promise<PlannerPromptInput> {
    const conversation = await this.deps.chat.conversationOf(undefined, plan.id);
    const [history, [repo], files, skills, knowledge, patterns, current] = await Promise.all([
      this.deps.chat.recent(conversation.id, HISTORY),
      this.deps.knowledge.repoContexts([project.id]),
      this.deps.knowledge.contextFilesOf([project.id]),
      this.deps.skills.inWorkspace(project.workspaceId),
      this.knowledgeFor(project.id, text),
      this.deps.knowledge.listArtifacts(
        project.id,
        { types: [KnowledgeArtifactType.PATTERN] },
        { limit: PROMPT_LIMITS.patterns, fromEnd: false },
      ),
      this.deps.replan.current(plan, project.workspaceId),
    ]);
    return {
      project: { name: project.name },
      plan: { name: plan.name, description: plan.description, status: plan.status },
      repoContext: repo ?? null,
      contextFiles: files,
      knowledge,
      patterns: patterns.items.map(promptHit),
      skills: skills.map((skill) => ({ slug: skill.slug, name: skill.name })),
      conversation: [
        ...history.map((message) => ({ author: message.author, body: message.body })),
        { author: PlanMessageAuthor.USER, body: text },
      ],
      current,
    };
  }

  private async knowledgeFor(projectId: string, text: string): Promise<PromptKnowledgeHit[]> {
    try {
      const hits = await this.deps.knowledge.search(
        projectId,
        text.slice(0, 1000),
        {},
        KNOWLEDGE_HITS,
      );
      return hits.map(({ artifact }) => promptHit(artifact));
    } catch (error) {
      this.deps.logger.warn({ err: error, projectId }, 'knowledge search for the planner failed');
      return [];
    }
  }

  // ---- who answers ----------------------------------------------------------------------------

  private refuseWhileAnswering(planId: string): void {
    if (this.answering.has(planId)) {
      throw conflict(
        'the planner is still answering the previous message; wait for its reply',
        'planId',
      );
    }
  }

  private finishAnswer(planId: string, release: () => void): void {
    this.answering.delete(planId);
    release();
  }

  private async daemonConnected(projectId: string): Promise<boolean> {
    const sessions = await this.deps.sessions.inProject(projectId, false);
    return sessions.some((session) => isAlive(session));
  }

  private async workspaceOf(projectId: string): Promise<string> {
    const workspaceId = await this.deps.chat.workspaceOf(projectId);
    if (!workspaceId) throw new Error(`no project ${projectId}`);
    return workspaceId;
  }
}

/** A plan that can no longer change (completed, archived, cancelled): its conversation is closed. */
function refuseClosed(plan: PlanEntity): void {
  if (!EDITABLE_PLAN_STATUSES.has(plan.status)) {
    throw conflict(
      `the plan is ${plan.status}: its conversation is closed (only draft, active or paused plans can change)`,
      'planId',
    );
  }
}

/** An artifact as the planner's prompt lists it. */
function promptHit(artifact: KnowledgeArtifactEntity): PromptKnowledgeHit {
  return {
    type: artifact.type,
    name: artifact.name,
    summary: artifact.summary,
    language: artifact.language,
    framework: artifact.framework,
    paths: artifact.fileRefs.map((ref) => ref.path),
  };
}
