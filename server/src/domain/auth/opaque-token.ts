import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, API tokens, invite and setup tokens): a recognisable
 * prefix and 256 random bits. Only their SHA-256 is stored; a leaked database holds nothing
 * that can be presented.
 */
export const TOKEN_PREFIXES = {
  refresh: 'mrt',
  apiToken: 'mtk',
  invite: 'min',
  setup: 'mst',
} as const;
export type OpaqueTokenKind = keyof typeof TOKEN_PREFIXES;

export function newOpaqueToken(kind: OpaqueTokenKind): string {
  return `${TOKEN_PREFIXES[kind]}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Whether `token` has the shape of a `kind` token (cheap; says nothing about validity). */
export function looksLike(kind: OpaqueTokenKind, token: string): boolean {
  return new RegExp(`^${TOKEN_PREFIXES[kind]}_[A-Za-z0-9_-]{43}$`).test(token);
}

/** Constant-time comparison of two strings (e.g. a CSRF token and its cookie). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
