import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { UserType } from '../user/user.type.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  AuthPayload,
  ChangePasswordInput,
  ChangePasswordPayload,
  CompleteSetupInput,
  CompleteSetupPayload,
  LoginInput,
  LogoutInput,
  LogoutPayload,
  RefreshSessionInput,
  TokenDelivery,
} from './auth.type.js';
import { clearSessionCookies, deliver, refreshTokenOf } from './delivery.js';

const kindOf = (delivery: TokenDelivery | null | undefined) =>
  delivery === TokenDelivery.COOKIE ? 'browser' : 'api';

@Resolver()
export class AuthResolver {
  @Query(() => Boolean, {
    description: 'True until the first account exists (first-run setup is then pending).',
  })
  async setupRequired(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    ctx.access.public();
    return ctx.services.auth.setupRequired();
  }

  @Mutation(() => CompleteSetupPayload, {
    description:
      'First run: the holder of the setup link becomes the first user and owner of a new workspace.',
  })
  async completeSetup(
    @Arg('input') input: CompleteSetupInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CompleteSetupPayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const { session, workspace } = await ctx.services.auth.completeSetup(
        input,
        ctx.client,
        kindOf(input.delivery),
      );
      return { session, workspace, tokens: deliver(ctx, session, input.delivery) };
    });
    return {
      user: value ? UserType.from(value.session.user) : null,
      workspace: value ? WorkspaceType.from(value.workspace) : null,
      tokens: value?.tokens ?? null,
      userErrors,
    };
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in. Wrong credentials are UNAUTHENTICATED; repeated failures are RATE_LIMITED per account and per address.',
  })
  async login(@Arg('input') input: LoginInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const session = await ctx.services.auth.login(input, ctx.client, kindOf(input.delivery));
      return { session, tokens: deliver(ctx, session, input.delivery) };
    });
    return {
      user: value ? UserType.from(value.session.user) : null,
      tokens: value?.tokens ?? null,
      userErrors,
    };
  }

  @Mutation(() => AuthPayload, {
    description:
      'Exchanges a refresh token for a new access token and the next refresh token. A token used twice revokes its whole session.',
  })
  async refreshSession(
    @Arg('input') input: RefreshSessionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const session = await ctx.services.auth.refresh(
        refreshTokenOf(ctx, input.refreshToken),
        ctx.client,
      );
      return { session, tokens: deliver(ctx, session, input.delivery) };
    });
    return {
      user: value ? UserType.from(value.session.user) : null,
      tokens: value?.tokens ?? null,
      userErrors,
    };
  }

  @Mutation(() => LogoutPayload, {
    description: 'Signs a session out everywhere it was refreshed; clears the browser’s cookies.',
  })
  async logout(
    @Arg('input') input: LogoutInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LogoutPayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const token = refreshTokenOf(ctx, input.refreshToken);
      const signedOut = await ctx.services.auth.logout(token, ctx.client);
      clearSessionCookies(ctx);
      return signedOut;
    });
    return { signedOut: value ?? false, userErrors };
  }

  @Mutation(() => ChangePasswordPayload, {
    description: 'Changes your password; every other session of yours is signed out.',
  })
  async changePassword(
    @Arg('input') input: ChangePasswordInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ChangePasswordPayload> {
    const userId = ctx.access.requireUser('change a password');
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const sessionId = ctx.actor.kind === 'user' ? ctx.actor.sessionId : undefined;
      await ctx.services.auth.changePassword(userId, input, sessionId, ctx.client);
      return ctx.loaders.user.load(userId);
    });
    return { user: value ? UserType.from(value) : null, userErrors };
  }
}
