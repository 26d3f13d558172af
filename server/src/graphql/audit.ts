import type { EntityManager } from 'typeorm';
import { userOf } from '../domain/access/actor.js';
import { toPublicId } from '../domain/common/public-id.js';
import type { GraphQLContext } from './context.js';

/**
 * Records an audit entry for the acting person (or API token, named in the details), in the
 * caller's transaction.
 */
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
        details: {
          ...entry.details,
          ...(ctx.actor.kind === 'token'
            ? { apiToken: toPublicId('ApiToken', ctx.actor.tokenId) }
            : {}),
        },
        actorKind: ctx.actor.kind,
        actorUserId: userOf(ctx.actor) ?? null,
        address: ctx.client.address,
      },
      manager,
    );
  };
}
