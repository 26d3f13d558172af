import { AsyncLocalStorage } from 'node:async_hooks';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Actor } from '../domain/access/actor.js';
import { DomainError, ErrorCode } from '../domain/common/errors.js';

/**
 * The only root fields anonymous callers reach: signing in, first-run setup, redeeming
 * invites, and asking who they are. Every other field is UNAUTHENTICATED without credentials,
 * before its resolver runs.
 */
export const PUBLIC_FIELDS: ReadonlySet<string> = new Set([
  'viewer',
  'setupRequired',
  'invitePreview',
  'login',
  'refreshSession',
  'logout',
  'completeSetup',
  'signUp',
  'redeemCliInvite',
]);

/** Per root field: did its resolver ask the authorizer? */
const scope = new AsyncLocalStorage<{ authorized: boolean }>();

/** Records that the current root field went through authorize(). */
export function markAuthorized(): void {
  const current = scope.getStore();
  if (current) current.authorized = true;
}

/**
 * Wraps every Query and Mutation field so that one which resolves without calling authorize()
 * (through GraphQLContext.authorize or Access) fails instead of answering: access control can
 * not be forgotten on a new field. Subscriptions authorize in their subscribe function.
 */
export function requireAuthorization(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const open = PUBLIC_FIELDS.has(field.name);
      field.resolve = (source, args, context, info) => {
        const actor = (context as { actor?: Actor } | undefined)?.actor;
        if (!open && actor?.kind === 'anonymous') {
          throw new DomainError(
            ErrorCode.UNAUTHENTICATED,
            actor.reason ?? 'sign in first: this needs an access token or an API token',
          );
        }
        const current = { authorized: false };
        return scope.run(current, async () => {
          const result: unknown = await resolve(source, args, context, info);
          if (!current.authorized) {
            throw new Error(`${type.name}.${field.name} resolved without calling authorize()`);
          }
          return result;
        });
      };
    }
  }
  return schema;
}
