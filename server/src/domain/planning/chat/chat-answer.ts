import type { Logger } from '../../../logging/logger.js';
import type { PlanEntity, PlanMessageEntity } from '../../plan/plan.entity.js';
import { ChatModelFailure, type ChatModel } from './chat-model.js';
import type { Transactions } from '../../common/transactions.js';
import type { PlanChatLog } from './plan-chat-log.js';
import type { PlanChatRepository } from './plan-chat.repository.js';
import type { ChatMessage } from './planner-prompt.js';

/** What an answer writes with. */
export interface ChatAnswerDeps {
  readonly transactions: Transactions;
  readonly log: PlanChatLog;
  /** The conversation's hold while the answer runs: renewed per batch, released at the end. */
  readonly chat: Pick<PlanChatRepository, 'holdAnswer' | 'releaseAnswer'>;
  /** The workspace's skill slugs, for the parser. */
  readonly knownSkills: (projectId: string) => Promise<ReadonlySet<string>>;
}

/** A batch of streamed text is written once it is this long… */
const BATCH_CHARS = 2_000;
/** …or once this long has passed since the last one (checked as pieces arrive). */
const BATCH_MS = 150;
/**
 * How long an answer holds the conversation from its start or its last batch: the model's
 * whole-request timeout (10 minutes) and a margin, so only a replica that stopped lets it lapse.
 */
export const ANSWER_HOLD_MS = 11 * 60_000;

/**
 * One answer of the model, streamed into the conversation: the planner's message is created
 * with the first piece of text (PlanMessageStarted), its text is appended in batches, each one
 * written with its PlanMessageDelta event in one transaction, and the finished reply is
 * classified and announced (PlanMessagePosted). What subscribers see is what is recorded.
 * A failure leaves Studio's SYSTEM message saying plainly what failed.
 */
export class ChatAnswer {
  private message: PlanMessageEntity | undefined;
  private text = '';
  private pending = '';
  private lastWrite = 0;

  constructor(
    private readonly deps: ChatAnswerDeps,
    private readonly model: ChatModel,
    private readonly plan: PlanEntity,
    private readonly logger: Logger,
  ) {}

  async run(prompt: readonly ChatMessage[], signal: AbortSignal): Promise<void> {
    const { transactions, log } = this.deps;
    try {
      for await (const piece of this.model.stream(prompt, signal)) {
        this.text += piece;
        this.pending += piece;
        if (this.pending.length >= BATCH_CHARS || Date.now() - this.lastWrite >= BATCH_MS) {
          await this.flush();
        }
      }
      await this.flush();
      const knownSkills = await this.deps.knownSkills(this.plan.projectId);
      if (!this.text.trim()) {
        throw new ChatModelFailure(`the model ${this.model.model} sent an empty reply`);
      }
      await transactions.run(async (tx) => {
        await log.record(tx, this.plan, this.message?.id, this.text, knownSkills);
        await this.deps.chat.releaseAnswer(tx.manager, this.plan.id);
      });
    } catch (error) {
      await this.failed(error, signal);
    }
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    const piece = this.pending;
    this.pending = '';
    this.lastWrite = Date.now();
    await this.deps.transactions.run(async (tx) => {
      this.message ??= await this.deps.log.start(tx, this.plan);
      await this.deps.log.append(tx, this.plan, this.message.id, piece);
      await this.deps.chat.holdAnswer(tx.manager, this.plan.id, ANSWER_HOLD_MS);
    });
  }

  private async failed(error: unknown, signal: AbortSignal): Promise<void> {
    const why =
      error instanceof ChatModelFailure
        ? signal.aborted
          ? `the answer was stopped (${String(signal.reason)})`
          : error.message
        : `Studio could not record the answer: ${error instanceof Error ? error.message : String(error)}`;
    if (!(error instanceof ChatModelFailure)) {
      this.logger.error({ err: error, planId: this.plan.id }, 'plan chat answer failed');
    }
    try {
      await this.flush().catch(() => undefined);
      await this.deps.transactions.run(async (tx) => {
        if (this.message) {
          await this.deps.log.settleIncomplete(tx, this.plan, this.message.id);
          await this.deps.log.notice(
            tx,
            this.plan,
            `The planner’s reply above is incomplete: ${why}. Nothing was built from it; send your message again to retry.`,
          );
        } else {
          await this.deps.log.notice(
            tx,
            this.plan,
            `The planner could not answer: ${why}. Send your message again to retry.`,
          );
        }
        await this.deps.chat.releaseAnswer(tx.manager, this.plan.id);
      });
    } catch (again) {
      this.logger.error(
        { err: again, planId: this.plan.id },
        'the plan chat failure could not be recorded',
      );
    }
  }
}
