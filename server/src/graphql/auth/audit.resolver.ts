import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { UserType } from '../user/user.type.js';
import { AuditEntryType } from './auth.type.js';

@Resolver(() => AuditEntryType)
export class AuditEntryResolver {
  @FieldResolver(() => UserType, {
    nullable: true,
    description: 'Who acted (null when anonymous or the system).',
  })
  async actor(@Root() entry: AuditEntryType, @Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const row = entry.actorKey ? await ctx.loaders.user.load(entry.actorKey) : undefined;
    return row ? UserType.from(row) : null;
  }

  @FieldResolver(() => UserType, {
    nullable: true,
    description: 'The account an account event is about (a sign-in, a role change).',
  })
  async subject(
    @Root() entry: AuditEntryType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserType | null> {
    const row = entry.subjectKey ? await ctx.loaders.user.load(entry.subjectKey) : undefined;
    return row ? UserType.from(row) : null;
  }
}
