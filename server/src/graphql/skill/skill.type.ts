import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import type { SkillEntity } from '../../domain/skill/skill.entity.js';
import { NodeInterface } from '../common/node.type.js';
import { UserError } from '../common/user-error.type.js';

@ObjectType('Skill', {
  implements: NodeInterface,
  description: 'A workspace skill that tasks require and members and agent sessions hold.',
})
export class SkillType extends NodeInterface {
  @Field({ description: 'Unique within the workspace.' })
  slug: string;

  @Field()
  name: string;

  @Field({ description: '#rrggbb' })
  color: string;

  @Field()
  createdAt: Date;

  key: string;
  workspaceKey: string;

  static from(entity: SkillEntity): SkillType {
    return Object.assign(new SkillType(), {
      id: toPublicId('Skill', entity.id),
      key: entity.id,
      workspaceKey: entity.workspaceId,
      slug: entity.slug,
      name: entity.name,
      color: entity.color,
      createdAt: entity.createdAt,
    });
  }
}

@InputType('CreateSkillInput')
export class CreateSkillInput {
  @Field(() => ID)
  workspaceId: string;

  @Field({ description: '1-60 characters.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Derived from the name when omitted.' })
  slug?: string | null;

  @Field(() => String, {
    nullable: true,
    description: '#rrggbb or #rgb; picked from a palette when omitted.',
  })
  color?: string | null;
}

@InputType('UpdateSkillInput')
export class UpdateSkillInput {
  @Field(() => ID)
  skillId: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => String, { nullable: true })
  color?: string | null;
}

@InputType('DeleteSkillInput')
export class DeleteSkillInput {
  @Field(() => ID)
  skillId: string;
}

@ObjectType('SkillPayload')
export class SkillPayload {
  @Field(() => SkillType, { nullable: true })
  skill: SkillType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
