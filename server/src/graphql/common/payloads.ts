import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from './user-error.type.js';

@ObjectType('DeletePayload', { description: 'The result of a delete mutation.' })
export class DeletePayload {
  @Field(() => ID, {
    nullable: true,
    description: 'The id of what was deleted; null when nothing was.',
  })
  deletedId: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
