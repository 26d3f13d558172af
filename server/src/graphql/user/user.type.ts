import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MemberRole } from '../../domain/access/permissions.js';
import { toPublicId } from '../../domain/common/public-id.js';
import { MemberScope, type MemberEntity } from '../../domain/user/member.entity.js';
import type { UserEntity } from '../../domain/user/user.entity.js';
import { NodeInterface } from '../common/node.type.js';
import { ProficiencyInput } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';

registerEnumType(MemberRole, {
  name: 'MemberRole',
  description: "A member's role in a workspace; docs/api.md has the permission matrix.",
});

export enum ViewerKind {
  /** No credentials (or credentials that did not verify). */
  ANONYMOUS = 'ANONYMOUS',
  USER = 'USER',
  /** An API token, acting for the user who created it. */
  API_TOKEN = 'API_TOKEN',
}
registerEnumType(ViewerKind, { name: 'ViewerKind' });
registerEnumType(MemberScope, {
  name: 'MemberScope',
  description:
    'WORKSPACE: sees every project. PROJECTS: sees only the projects they hold a project role on.',
});

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

  @Field(() => MemberScope)
  scope: MemberScope;

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
      scope: entity.scope,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('Viewer', { description: 'Who is asking.' })
export class ViewerType {
  @Field(() => ViewerKind)
  kind: ViewerKind;

  @Field(() => UserType, {
    nullable: true,
    description: 'The signed-in user, or the creator of the API token; null when anonymous.',
  })
  user: UserType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the credentials sent were not accepted (expired, revoked, …), when they were not.',
  })
  authenticationError: string | null;

  userKey: string | null;
}

@ObjectType('ProjectRole', { description: "A member's role on one project." })
export class ProjectRoleType {
  @Field(() => MemberRole)
  role: MemberRole;

  projectKey: string;
}

@InputType('UpdateMemberInput')
export class UpdateMemberInput {
  @Field(() => ID)
  memberId: string;

  @Field(() => MemberRole, { nullable: true })
  role?: MemberRole | null;

  @Field(() => MemberScope, { nullable: true })
  scope?: MemberScope | null;
}

@InputType('RemoveMemberInput')
export class RemoveMemberInput {
  @Field(() => ID)
  memberId: string;
}

@InputType('SetProjectRoleInput')
export class SetProjectRoleInput {
  @Field(() => ID)
  memberId: string;

  @Field(() => ID)
  projectId: string;

  @Field(() => MemberRole, {
    nullable: true,
    description: 'ARCHITECT, LEAD, DEVELOPER or VIEWER; null removes the project role.',
  })
  role?: MemberRole | null;
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
