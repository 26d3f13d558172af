import { createHash, hkdfSync } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DomainError, ErrorCode } from '../common/errors.js';

/** The one algorithm Maestro signs and accepts. */
export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'urn:maestro:studio';

/** What a token is for: its audience and `typ` header differ, so one cannot stand in for another. */
export const TOKEN_USES = {
  access: { audience: 'urn:maestro:api', typ: 'at+jwt' },
  cliInvite: { audience: 'urn:maestro:cli-invite', typ: 'cli-invite+jwt' },
} as const;
export type TokenUse = keyof typeof TOKEN_USES;

export interface SigningKey {
  readonly kid: string;
  readonly key: Uint8Array;
}

/** The HS256 key and key id derived from a secret. */
export function deriveKey(secret: string): SigningKey {
  const key = new Uint8Array(hkdfSync('sha256', secret, 'maestro', 'jwt-signing-v1', 32));
  const kid = createHash('sha256').update(key).digest('base64url').slice(0, 16);
  return { kid, key };
}

export interface VerifiedToken {
  readonly payload: JWTPayload & Record<string, unknown>;
  readonly expiresAt: Date;
}

/**
 * Signs and verifies Maestro's JWTs. Keys are derived from MAESTRO_SECRET; each token names
 * its key in `kid`, so a rotated secret (the old one kept in MAESTRO_SECRET_PREVIOUS) keeps
 * tokens valid until they expire. Verification pins the algorithm, issuer, audience and `typ`;
 * every failure is UNAUTHENTICATED.
 */
export class TokenKeys {
  private readonly current: SigningKey;
  private readonly byKid: ReadonlyMap<string, SigningKey>;

  constructor(secret: string, previous: readonly string[] = []) {
    this.current = deriveKey(secret);
    this.byKid = new Map(
      [this.current, ...previous.map(deriveKey)].map((key) => [key.kid, key] as const),
    );
  }

  get keyId(): string {
    return this.current.kid;
  }

  async sign(
    use: TokenUse,
    claims: { subject: string; jti?: string; ttlSeconds: number; extra?: Record<string, unknown> },
  ): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + claims.ttlSeconds;
    const jwt = new SignJWT({ ...claims.extra })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: this.current.kid, typ: TOKEN_USES[use].typ })
      .setIssuer(JWT_ISSUER)
      .setAudience(TOKEN_USES[use].audience)
      .setSubject(claims.subject)
      .setIssuedAt(now)
      .setExpirationTime(exp);
    if (claims.jti) jwt.setJti(claims.jti);
    return { token: await jwt.sign(this.current.key), expiresAt: new Date(exp * 1000) };
  }

  /** Verifies a token for `use`; `what` names it in errors ("access token"). */
  async verify(use: TokenUse, token: string, what: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.byKid.get(header.kid);
          if (!key) throw new UnknownKey();
          return key.key;
        },
        {
          algorithms: [JWT_ALGORITHM],
          issuer: JWT_ISSUER,
          audience: TOKEN_USES[use].audience,
          typ: TOKEN_USES[use].typ,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: 5,
        },
      );
      return {
        payload: payload,
        expiresAt: new Date((payload.exp as number) * 1000),
      };
    } catch (error) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, reason(error, what));
    }
  }
}

class UnknownKey extends Error {}

function reason(error: unknown, what: string): string {
  if (error instanceof joseErrors.JWTExpired) return `the ${what} has expired`;
  if (error instanceof UnknownKey)
    return `the ${what} was signed with a key this Studio does not know`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return `the ${what} is not signed with ${JWT_ALGORITHM}`;
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the ${what} is not valid here (${error.claim} claim)`;
  }
  return `the ${what} is not valid`;
}
