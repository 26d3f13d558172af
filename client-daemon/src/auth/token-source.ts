import { StudioClient, StudioError } from '../connection/studio-client.js';
import { DaemonRefreshSessionDocument } from '../generated/graphql.js';
import { accountOf, type Identity } from '../home/config.js';
import type { CredentialStore } from '../home/credentials.js';

/** What the credential store keeps per identity. */
export interface StoredTokens {
  readonly refreshToken: string;
  readonly accessToken?: string | null;
  readonly accessTokenExpiresAt?: string | null;
}

/** Studio will not renew this identity's session: `maestro auth` again (exit code 4). */
export class SignedOutError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SignedOutError';
  }
}

/** An access token this close to expiry is renewed first. */
const RENEW_BEFORE_MS = 60_000;

/**
 * Access tokens for one identity: the stored one while it has more than a minute left, else a
 * new one from the refresh token, which Studio rotates on every use — the new pair is stored
 * before it is used, and renewals are serialized so one refresh token is never spent twice.
 */
export class TokenSource {
  private pending: Promise<string> | undefined;

  constructor(
    private readonly identity: Identity,
    private readonly store: CredentialStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async accessToken(): Promise<string> {
    const tokens = await this.read();
    const expiresAt = tokens.accessTokenExpiresAt ? Date.parse(tokens.accessTokenExpiresAt) : 0;
    if (tokens.accessToken && expiresAt - this.now().getTime() > RENEW_BEFORE_MS) {
      return tokens.accessToken;
    }
    return this.renew();
  }

  /** Renews now (also after Studio answered UNAUTHENTICATED to the current token). */
  renew(): Promise<string> {
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<string> {
    const { refreshToken } = await this.read();
    const client = new StudioClient(this.identity.studio);
    try {
      const { refreshSession } = await client.request(DaemonRefreshSessionDocument, {
        refreshToken,
      });
      const tokens = refreshSession.tokens;
      if (!tokens?.accessToken || !tokens.refreshToken) {
        throw new SignedOutError(
          refreshSession.userErrors[0]?.message ?? 'Studio did not renew the session',
        );
      }
      await this.store.set(
        accountOf(this.identity),
        JSON.stringify({
          refreshToken: tokens.refreshToken,
          accessToken: tokens.accessToken,
          accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        } satisfies StoredTokens),
      );
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof StudioError && error.code === 'UNAUTHENTICATED') {
        throw new SignedOutError(error.message);
      }
      throw error;
    } finally {
      await client.close();
    }
  }

  private async read(): Promise<StoredTokens> {
    const raw = await this.store.get(accountOf(this.identity));
    if (!raw) {
      throw new SignedOutError(`no tokens for ${this.identity.email} on ${this.identity.studio}`);
    }
    return JSON.parse(raw) as StoredTokens;
  }
}
