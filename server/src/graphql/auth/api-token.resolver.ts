import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { ProjectType } from '../project/project.type.js';
import { UserType } from '../user/user.type.js';
import {
  ApiTokenPayload,
  ApiTokenType,
  CreateApiTokenInput,
  CreateApiTokenPayload,
  RevokeApiTokenInput,
} from './auth.type.js';

@Resolver(() => ApiTokenType)
export class ApiTokenResolver {
  @Mutation(() => CreateApiTokenPayload, {
    description:
      'Creates an API token for a bot or integration; the token is shown once. It acts with at most your role.',
  })
  async createApiToken(
    @Arg('input') input: CreateApiTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateApiTokenPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { workspace, project } = await ctx.access.workspaceAndProject(
        input.workspaceId,
        input.projectId,
        'apiToken.manage',
      );
      const userId = ctx.access.requireUser('create API tokens');
      return ctx.services.apiTokens.create(
        {
          workspaceId: workspace.id,
          projectId: project?.id,
          name: input.name,
          scopes: input.scopes,
          expiresInDays: input.expiresInDays ?? undefined,
        },
        userId,
        ctx.client,
      );
    });
    return {
      apiToken: value ? ApiTokenType.from(value.apiToken) : null,
      token: value?.token ?? null,
      userErrors,
    };
  }

  @Mutation(() => ApiTokenPayload, {
    description: 'Revokes an API token; it stops working at once.',
  })
  async revokeApiToken(
    @Arg('input') input: RevokeApiTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApiTokenPayload> {
    const { value, userErrors } = await mutate(async () => {
      const row = await ctx.access.apiToken(input.apiTokenId, 'apiToken.manage');
      const userId = ctx.access.requireUser('revoke API tokens');
      return ctx.services.apiTokens.revoke(row, userId, ctx.client);
    });
    return { apiToken: value ? ApiTokenType.from(value) : null, userErrors };
  }

  @FieldResolver(() => ProjectType, {
    nullable: true,
    description: 'Set when the token is bound to one project.',
  })
  async project(
    @Root() token: ApiTokenType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType | null> {
    const row = token.projectKey ? await ctx.loaders.project.load(token.projectKey) : undefined;
    return row ? ProjectType.from(row) : null;
  }

  @FieldResolver(() => UserType, { nullable: true })
  async createdBy(
    @Root() token: ApiTokenType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserType | null> {
    const row = await ctx.loaders.user.load(token.createdByKey);
    return row ? UserType.from(row) : null;
  }
}
