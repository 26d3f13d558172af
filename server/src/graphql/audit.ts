import type { EntityManager } from 'typeorm';
import type { GraphQLContext } from './context.js';

/** Records an audit entry for the acting person, in the caller's transaction. */
export function auditAs(
  ctx: GraphQLContext,
  entry: {
    workspaceId: string | null;
    action: string;
    target: string;
    details?: Record<string, unknown>;
  },
) {
  return async (manager: EntityManager): Promise<void> => {
    await ctx.services.audit.record(
      {
        ...entry,
        actorKind: ctx.actor.kind === 'system' ? 'system' : ctx.actor.kind,
        actorUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      },
      manager,
    );
  };
}
