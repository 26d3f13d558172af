import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description:
    'Why an operation failed; also `extensions.code` of GraphQL errors. See docs/api.md for each.',
});

@ObjectType('UserError', {
  description:
    'An expected failure of a mutation, with the input field to blame when there is one.',
})
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description: 'Path of the offending field inside `input`, e.g. ["remoteUrl"].',
  })
  field: string[] | null;

  @Field()
  message: string;

  @Field(() => ErrorCode)
  code: ErrorCode;

  static from(error: DomainError): UserError {
    return Object.assign(new UserError(), {
      field: error.field ? [...error.field] : null,
      message: error.message,
      code: error.code,
    });
  }
}
