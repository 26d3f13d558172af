import type { ApiTokenScope } from './api-token-scope.js';

/**
 * Who is asking.
 * - `anonymous`: no credentials, or credentials that failed (`reason` says why); it may only
 *   sign in, redeem and look at its own absence.
 * - `user`: a person, by an access token (bearer or cookie). `sessionId` is the refresh-token
 *   family the access token was issued for.
 * - `token`: a bot or integration, by an API token bound to a workspace (or one project) with
 *   scopes; it acts with at most its creator's role.
 * - `system`: the server acting on its own (dispatcher, reaper, review loop).
 */
export type Actor =
  | { readonly kind: 'anonymous'; readonly reason?: string }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly sessionId?: string;
      readonly expiresAt?: Date;
    }
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly userId: string;
      readonly workspaceId: string;
      readonly projectId: string | null;
      readonly scopes: ReadonlySet<ApiTokenScope>;
      readonly expiresAt?: Date;
    }
  | { readonly kind: 'system'; readonly component: string };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** The user an actor speaks for (a token speaks for its creator), if any. */
export function userOf(actor: Actor): string | undefined {
  return actor.kind === 'user' || actor.kind === 'token' ? actor.userId : undefined;
}
