/**
 * Who is asking. Until accounts exist (the Access issue), a Studio serves one local operator:
 * the `local` actor, which may do everything. `system` is the server acting on its own
 * (dispatcher, reaper, review loop).
 */
export type Actor =
  | { readonly kind: 'local' }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'system'; readonly component: string };

export const LOCAL_ACTOR: Actor = { kind: 'local' };
