import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import type { WorkspaceEntity } from '../../domain/workspace/workspace.entity.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { UserError } from '../common/user-error.type.js';

@ObjectType('Workspace', {
  implements: NodeInterface,
  description: 'The top-level container: members, skills and projects belong to a workspace.',
})
export class WorkspaceType extends NodeInterface {
  @Field()
  name: string;

  @Field({ description: 'Unique across the Studio; used in URLs.' })
  slug: string;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  /** The row key; not part of the schema. */
  key: string;

  static from(entity: WorkspaceEntity): WorkspaceType {
    return Object.assign(new WorkspaceType(), {
      id: toPublicId('Workspace', entity.id),
      key: entity.id,
      name: entity.name,
      slug: entity.slug,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('WorkspaceConnection')
export class WorkspaceConnection extends Connection(WorkspaceType, 'Workspace') {}

@InputType('CreateWorkspaceInput')
export class CreateWorkspaceInput {
  @Field({ description: '1-100 characters.' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: 'Lower-case letters, digits and hyphens; derived from the name when omitted.',
  })
  slug?: string | null;
}

@ObjectType('WorkspacePayload')
export class WorkspacePayload {
  @Field(() => WorkspaceType, { nullable: true })
  workspace: WorkspaceType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('UpdateWorkspaceInput')
export class UpdateWorkspaceInput {
  @Field(() => ID)
  workspaceId: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  slug?: string | null;
}

@InputType('DeleteWorkspaceInput')
export class DeleteWorkspaceInput {
  @Field(() => ID)
  workspaceId: string;

  @Field({ description: "The workspace's slug, typed again to confirm." })
  confirmSlug: string;
}
