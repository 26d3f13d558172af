import { toPublicId } from '../../common/public-id.js';
import type { Tx } from '../../common/transactions.js';
import type { EventLog } from '../../events/event-log.service.js';
import {
  PlanMessageAuthor,
  type PlanMessageEntity,
  PlanMessageKind,
  type PlanEntity,
} from '../../plan/plan.entity.js';
import type { PlanChatRepository } from './plan-chat.repository.js';
import { classifyReply, malformedNotice } from './reply-classifier.js';

/**
 * Writes a plan's conversation, each change with its project event in the caller's
 * transaction (decision 0010): new messages (PlanMessagePosted), the planner's streamed
 * message (PlanMessageStarted, then PlanMessageDelta per batch, then PlanMessagePosted when it
 * is settled), and replies classified into PROPOSAL, QUESTION or FOLLOW_UP.
 */
export class PlanChatLog {
  constructor(
    private readonly events: EventLog,
    private readonly chat: PlanChatRepository,
  ) {}

  /**
   * Settles a planner's reply: a new message (`messageId` undefined) or the streamed one, with
   * its kind and parsed proposal; a malformed proposal also gets Studio's note naming the errors.
   */
  async record(
    tx: Tx,
    plan: PlanEntity,
    messageId: string | undefined,
    text: string,
    knownSkills: ReadonlySet<string>,
  ): Promise<{ message: PlanMessageEntity; notice: PlanMessageEntity | null }> {
    const reply = classifyReply(text, knownSkills);
    const kind = reply.kind === 'MALFORMED' ? PlanMessageKind.FOLLOW_UP : reply.kind;
    const proposal =
      reply.kind === PlanMessageKind.PROPOSAL
        ? (reply.proposal as unknown as Record<string, unknown>)
        : null;
    const message = messageId
      ? await this.settle(tx, plan, messageId, kind, proposal)
      : await this.post(tx, plan, {
          kind,
          author: PlanMessageAuthor.PLANNER,
          body: text,
          proposal,
        });
    const notice =
      reply.kind === 'MALFORMED'
        ? await this.notice(tx, plan, malformedNotice(reply.errors))
        : null;
    return { message, notice };
  }

  /** A new message of the conversation, announced with PlanMessagePosted. */
  async post(
    tx: Tx,
    plan: PlanEntity,
    message: {
      kind: PlanMessageKind;
      author: PlanMessageAuthor;
      body: string;
      proposal?: Record<string, unknown> | null;
    },
  ): Promise<PlanMessageEntity> {
    const conversation = await this.chat.conversationOf(tx.manager, plan.id);
    const saved = await this.chat.insert(tx.manager, {
      conversationId: conversation.id,
      ...message,
    });
    await this.announce(tx, plan, 'PlanMessagePosted', saved);
    return saved;
  }

  /** Studio's own word in the conversation (a SYSTEM message). */
  notice(tx: Tx, plan: PlanEntity, body: string): Promise<PlanMessageEntity> {
    return this.post(tx, plan, {
      kind: PlanMessageKind.FOLLOW_UP,
      author: PlanMessageAuthor.SYSTEM,
      body,
    });
  }

  /** The planner's message whose text will stream in (PlanMessageStarted). */
  async start(tx: Tx, plan: PlanEntity): Promise<PlanMessageEntity> {
    const conversation = await this.chat.conversationOf(tx.manager, plan.id);
    const saved = await this.chat.insert(tx.manager, {
      conversationId: conversation.id,
      kind: PlanMessageKind.FOLLOW_UP,
      author: PlanMessageAuthor.PLANNER,
      body: '',
    });
    await this.announce(tx, plan, 'PlanMessageStarted', saved);
    return saved;
  }

  /** More of a streaming message's text, recorded and announced (PlanMessageDelta). */
  async append(tx: Tx, plan: PlanEntity, messageId: string, text: string): Promise<void> {
    const offset = await this.chat.appendBody(tx.manager, messageId, text);
    await this.events.append(tx, plan.projectId, 'PlanMessageDelta', {
      planId: toPublicId('Plan', plan.id),
      messageId: toPublicId('PlanMessage', messageId),
      offset,
      text,
    });
  }

  /** A streamed message whose stream broke: kept as it is, announced as posted. */
  async settleIncomplete(tx: Tx, plan: PlanEntity, messageId: string): Promise<void> {
    await this.settle(tx, plan, messageId, PlanMessageKind.FOLLOW_UP, null);
  }

  private async settle(
    tx: Tx,
    plan: PlanEntity,
    messageId: string,
    kind: PlanMessageKind,
    proposal: Record<string, unknown> | null,
  ): Promise<PlanMessageEntity> {
    const saved = await this.chat.settle(tx.manager, messageId, kind, proposal);
    await this.announce(tx, plan, 'PlanMessagePosted', saved);
    return saved;
  }

  private async announce(
    tx: Tx,
    plan: PlanEntity,
    type: 'PlanMessagePosted' | 'PlanMessageStarted',
    message: PlanMessageEntity,
  ): Promise<void> {
    await this.events.append(tx, plan.projectId, type, {
      planId: toPublicId('Plan', plan.id),
      messageId: toPublicId('PlanMessage', message.id),
      kind: message.kind,
      author: message.author,
    });
  }
}
