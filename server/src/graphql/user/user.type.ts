import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MemberRole } from '../../domain/access/permissions.js';
import { toPublicId } from '../../domain/common/public-id.js';
import type { MemberEntity } from '../../domain/user/member.entity.js';
import type { UserEntity } from '../../domain/user/user.entity.js';
import { NodeInterface } from '../common/node.type.js';
import { ProficiencyInput } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';

registerEnumType(MemberRole, {
  name: 'MemberRole',
  description: "A member's role in a workspace; docs/api.md has the permission matrix.",
});

export enum ViewerKind {
  /** A Studio without accounts: one local operator who may do everything. */
  LOCAL = 'LOCAL',
  USER = 'USER',
}
registerEnumType(ViewerKind, { name: 'ViewerKind' });

@ObjectType('User', { implements: NodeInterface })
export class UserType extends NodeInterface {
  @Field()
  email: string;

  @Field()
  name: string;

  @Field()
  createdAt: Date;

  key: string;

  static from(entity: UserEntity): UserType {
    return Object.assign(new UserType(), {
      id: toPublicId('User', entity.id),
      key: entity.id,
      email: entity.email,
      name: entity.name,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('Member', {
  implements: NodeInterface,
  description: 'A user in a workspace, with a role.',
})
export class MemberType extends NodeInterface {
  @Field(() => MemberRole)
  role: MemberRole;

  @Field()
  createdAt: Date;

  key: string;
  userKey: string;
  workspaceKey: string;

  static from(entity: MemberEntity): MemberType {
    return Object.assign(new MemberType(), {
      id: toPublicId('Member', entity.id),
      key: entity.id,
      userKey: entity.userId,
      workspaceKey: entity.workspaceId,
      role: entity.role,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('Viewer', { description: 'Who is asking.' })
export class ViewerType {
  @Field(() => ViewerKind)
  kind: ViewerKind;

  @Field(() => UserType, { nullable: true, description: 'Null for the local operator.' })
  user: UserType | null;

  userKey: string | null;
}

@ObjectType('MemberSkill', { description: "A member's proficiency in a skill." })
export class MemberSkillType {
  @Field(() => Int, { description: '1 (beginner) to 5 (expert).' })
  proficiency: number;

  @Field({ description: 'beginner, basic, intermediate, advanced or expert.' })
  label: string;

  skillKey: string;
}

@InputType('SetMemberSkillInput')
export class SetMemberSkillInput {
  @Field(() => ID)
  memberId: string;

  @Field({ description: 'The skill, by id (skl_…) or slug.' })
  skill: string;

  @Field(() => ProficiencyInput)
  proficiency: string | number;
}

@InputType('RemoveMemberSkillInput')
export class RemoveMemberSkillInput {
  @Field(() => ID)
  memberId: string;

  @Field({ description: 'The skill, by id (skl_…) or slug.' })
  skill: string;
}

@ObjectType('MemberPayload')
export class MemberPayload {
  @Field(() => MemberType, { nullable: true })
  member: MemberType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
