import type { DataSource, EntityManager } from 'typeorm';
import { returning } from '../../../db/returning.js';
import { uuidv7 } from '../../common/ids.js';
import {
  PlanConversationEntity,
  type PlanMessageAuthor,
  PlanMessageEntity,
  type PlanMessageKind,
} from '../../plan/plan.entity.js';
import { RunPurpose } from '../../run/run.types.js';

/** What a run queued by plan chat carries in its instructions. */
export const PLAN_CHAT_RUN = 'plan-chat';

/** The plan conversation's rows as plan chat writes them: messages, their bodies in batches. */
export class PlanChatRepository {
  constructor(private readonly dataSource: DataSource) {}

  async conversationOf(
    manager: EntityManager | undefined,
    planId: string,
  ): Promise<PlanConversationEntity> {
    const conversation = await (manager ?? this.dataSource.manager).findOneBy(
      PlanConversationEntity,
      { planId },
    );
    if (!conversation) throw new Error(`plan ${planId} has no conversation`);
    return conversation;
  }

  /** The conversation's last `limit` messages, oldest first. */
  async recent(
    conversationId: string,
    limit: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PlanMessageEntity[]> {
    const rows = await manager.find(PlanMessageEntity, {
      where: { conversationId },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.reverse();
  }

  async insert(
    manager: EntityManager,
    message: {
      conversationId: string;
      kind: PlanMessageKind;
      author: PlanMessageAuthor;
      body: string;
      proposal?: Record<string, unknown> | null;
    },
  ): Promise<PlanMessageEntity> {
    const id = uuidv7();
    await manager.insert(PlanMessageEntity, {
      id,
      conversationId: message.conversationId,
      kind: message.kind,
      author: message.author,
      body: message.body,
      proposal: message.proposal ?? null,
    } as never);
    return manager.findOneByOrFail(PlanMessageEntity, { id });
  }

  /** Appends to a message's body; returns where the appended text starts in it. */
  async appendBody(manager: EntityManager, messageId: string, text: string): Promise<number> {
    const rows = await returning<{ length: number }>(
      manager,
      `UPDATE plan_message SET body = body || $2 WHERE id = $1 RETURNING char_length(body) AS length`,
      [messageId, text],
    );
    const length = rows[0]?.length;
    if (length === undefined) throw new Error(`no plan message ${messageId}`);
    return Number(length) - text.length;
  }

  async settle(
    manager: EntityManager,
    messageId: string,
    kind: PlanMessageKind,
    proposal: Record<string, unknown> | null,
  ): Promise<PlanMessageEntity> {
    await manager.update(PlanMessageEntity, { id: messageId }, { kind, proposal } as never);
    return manager.findOneByOrFail(PlanMessageEntity, { id: messageId });
  }

  /** The planner's latest message in the plan's conversation written since `since`. */
  async lastFromPlannerSince(
    manager: EntityManager,
    conversationId: string,
    since: Date,
  ): Promise<PlanMessageEntity | undefined> {
    const found = await manager
      .createQueryBuilder(PlanMessageEntity, 'm')
      .where('m.conversation_id = :conversationId', { conversationId })
      .andWhere('m.author = :author', { author: 'PLANNER' })
      .andWhere('m.created_at >= :since', { since })
      .orderBy('m.id', 'DESC')
      .getOne();
    return found ?? undefined;
  }

  /** Until when a model answer on some replica holds the plan's conversation; null if none. */
  async answerHeldUntil(manager: EntityManager, planId: string): Promise<Date | null> {
    const rows: Array<{ answering_until: Date }> = await manager.query(
      `SELECT answering_until FROM plan_conversation
        WHERE plan_id = $1 AND answering_until > clock_timestamp()`,
      [planId],
    );
    return rows[0]?.answering_until ?? null;
  }

  /** Holds (or holds on to) the conversation for a model answer for `ms` from now. */
  async holdAnswer(manager: EntityManager, planId: string, ms: number): Promise<void> {
    await manager.query(
      `UPDATE plan_conversation SET answering_until = clock_timestamp() + make_interval(secs => $2)
        WHERE plan_id = $1`,
      [planId, ms / 1000],
    );
  }

  /** The model's answer ended (recorded or failed): the conversation takes messages again. */
  async releaseAnswer(manager: EntityManager, planId: string): Promise<void> {
    await manager.query('UPDATE plan_conversation SET answering_until = NULL WHERE plan_id = $1', [
      planId,
    ]);
  }

  /** A PLANNING run plan chat queued for the plan that has not finished yet. */
  async openChatRun(manager: EntityManager, planId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM agent_run
        WHERE plan_id = $1 AND purpose = $2
          AND status IN ('QUEUED', 'CLAIMED', 'RUNNING', 'PAUSED')
          AND instructions ->> 'kind' = $3
        LIMIT 1`,
      [planId, RunPurpose.PLANNING, PLAN_CHAT_RUN],
    );
    return rows[0]?.id;
  }

  async workspaceOf(projectId: string): Promise<string | undefined> {
    const rows: Array<{ workspace_id: string }> = await this.dataSource.manager.query(
      'SELECT workspace_id FROM project WHERE id = $1',
      [projectId],
    );
    return rows[0]?.workspace_id;
  }
}
