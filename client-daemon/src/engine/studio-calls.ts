import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SignedOutError } from '../auth/token-source.js';
import { backoffDelay } from '../connection/backoff.js';
import { StudioClient, StudioError } from '../connection/studio-client.js';
import {
  DaemonPostPlanProposalDocument,
  type DaemonPostPlanProposalMutation,
} from '../generated/graphql.js';

/** Where a connection's access tokens come from: an identity's TokenSource, or a fixed token. */
export interface AccessTokens {
  accessToken(): Promise<string>;
  /** A new token after Studio refused the current one; SignedOutError when there is none. */
  renew(): Promise<string>;
}

/** An API token (MAESTRO_TOKEN, for CI bots): used as it is, never renewed. */
export class FixedToken implements AccessTokens {
  constructor(private readonly token: string) {}
  accessToken(): Promise<string> {
    return Promise.resolve(this.token);
  }
  renew(): Promise<string> {
    return Promise.reject(new SignedOutError('Studio refused the token in MAESTRO_TOKEN'));
  }
}

/** A payload's userErrors, as the error of the call: final, retrying cannot help. */
export class UserErrorsFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UserErrorsFailure';
  }
}

interface WithUserErrors {
  readonly userErrors: ReadonlyArray<{ code: string; message: string }>;
}

/** The payload when it has no userErrors; otherwise UserErrorsFailure with the first one. */
export function settled<T extends WithUserErrors>(payload: T): T {
  const first = payload.userErrors[0];
  if (first) throw new UserErrorsFailure(first.code, first.message);
  return payload;
}

/** True for failures a retry may fix: Studio unreachable, restarting, or an internal error. */
export function transient(error: unknown): boolean {
  return error instanceof StudioError && !error.fatal;
}

/**
 * The typed calls of one project connection: each with a current access token, renewed once
 * when Studio answers UNAUTHENTICATED (a token that expired early, a Studio restarted with
 * sessions checked again). A refusal after renewal is SignedOutError.
 */
export class StudioCalls {
  constructor(
    readonly studio: string,
    readonly tokens: AccessTokens,
  ) {}

  async request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData> {
    try {
      return await new StudioClient(this.studio, await this.tokens.accessToken()).request(
        document,
        variables,
      );
    } catch (error) {
      if (!(error instanceof StudioError) || error.code !== 'UNAUTHENTICATED') throw error;
      const renewed = await this.tokens.renew();
      try {
        return await new StudioClient(this.studio, renewed).request(document, variables);
      } catch (again) {
        if (again instanceof StudioError && again.code === 'UNAUTHENTICATED')
          throw new SignedOutError(again.message);
        throw again;
      }
    }
  }

  /**
   * Like request(), retrying what a retry may fix (Studio down or restarting) with backoff
   * capped at `capMs`, until it answers or `signal` aborts (then the last error is thrown).
   */
  async persist<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: { signal?: AbortSignal; capMs?: number; onRetry?: (error: unknown) => void } = {},
  ): Promise<TData> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request(document, variables);
      } catch (error) {
        if (!transient(error) || options.signal?.aborted) throw error;
        options.onRetry?.(error);
        await pause(backoffDelay(attempt, Math.random, options.capMs ?? 10_000), options.signal);
      }
    }
  }

  /**
   * A PLANNING or REFINE run's reply into its plan's conversation, under the run's lease
   * (retried while Studio is unreachable); UserErrorsFailure when Studio refuses it.
   */
  async postPlanProposal(
    lease: { readonly runId: string; readonly leaseVersion: number },
    text: string,
    signal?: AbortSignal,
  ): Promise<DaemonPostPlanProposalMutation['postPlanProposal']> {
    const { postPlanProposal } = await this.persist(
      DaemonPostPlanProposalDocument,
      { input: { ...lease, text } },
      signal ? { signal } : {},
    );
    return settled(postPlanProposal);
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
