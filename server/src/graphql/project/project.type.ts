import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  ReleaseMode,
  RepositoryHost,
  type ProjectEntity,
} from '../../domain/project/project.entity.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { UserError } from '../common/user-error.type.js';

registerEnumType(RepositoryHost, {
  name: 'RepositoryHost',
  description: 'Where the repository lives; decides which host integration a project uses.',
});
registerEnumType(ReleaseMode, {
  name: 'ReleaseMode',
  description: 'How a finished plan reaches the base branch.',
  valuesConfig: {
    MERGE: { description: 'Merge the epic into the base branch with --no-ff.' },
    PULL_REQUEST: { description: 'Open a pull request from the epic (e.g. a protected base).' },
  },
});

@ObjectType('Project', {
  implements: NodeInterface,
  description: 'A git repository that plans are made for and released into.',
})
export class ProjectType extends NodeInterface {
  @Field()
  name: string;

  @Field({ description: 'Unique within the workspace.' })
  slug: string;

  @Field({ description: 'The remote as given, without credentials.' })
  remoteUrl: string;

  @Field({
    description:
      'The remote normalized to `<host>:<owner>/<repo>` (lower case; GitLab subgroups kept), or `local:<path>`.',
  })
  normalizedRemote: string;

  @Field(() => RepositoryHost)
  host: RepositoryHost;

  @Field({ description: 'The branch that finished plans are released into.' })
  baseBranch: string;

  @Field(() => ReleaseMode)
  releaseMode: ReleaseMode;

  @Field(() => String, {
    nullable: true,
    description:
      'The provider REVIEW runs ask for (a different one than the developers use, say); null: any session reviews.',
  })
  reviewerProvider: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The model REVIEW runs ask for; null: the provider’s EASY tier.',
  })
  reviewerModel: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  key: string;
  workspaceKey: string;

  static from(entity: ProjectEntity): ProjectType {
    return Object.assign(new ProjectType(), {
      id: toPublicId('Project', entity.id),
      key: entity.id,
      workspaceKey: entity.workspaceId,
      name: entity.name,
      slug: entity.slug,
      remoteUrl: entity.remoteUrl,
      normalizedRemote: entity.normalizedRemote,
      host: entity.host,
      baseBranch: entity.baseBranch,
      releaseMode: entity.releaseMode,
      reviewerProvider: entity.reviewerProvider,
      reviewerModel: entity.reviewerModel,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('ProjectConnection')
export class ProjectConnection extends Connection(ProjectType, 'Project') {}

@InputType('CreateProjectInput')
export class CreateProjectInput {
  @Field(() => ID)
  workspaceId: string;

  @Field({
    description:
      'The git remote: https://host/owner/repo(.git), git@host:owner/repo.git, ssh://…, or an absolute path.',
  })
  remoteUrl: string;

  @Field(() => String, { nullable: true, description: "Defaults to the repository's name." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Derived from the name when omitted.' })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'Defaults to `main`.' })
  baseBranch?: string | null;

  @Field(() => ReleaseMode, { nullable: true, description: 'Defaults to MERGE.' })
  releaseMode?: ReleaseMode | null;

  @Field(() => RepositoryHost, {
    nullable: true,
    description:
      'Overrides the host inferred from the remote (e.g. GitHub Enterprise on its own domain).',
  })
  host?: RepositoryHost | null;
}

@ObjectType('ProjectPayload')
export class ProjectPayload {
  @Field(() => ProjectType, { nullable: true })
  project: ProjectType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('UpdateProjectInput')
export class UpdateProjectInput {
  @Field(() => ID)
  projectId: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => String, { nullable: true })
  baseBranch?: string | null;

  @Field(() => ReleaseMode, { nullable: true })
  releaseMode?: ReleaseMode | null;

  @Field(() => RepositoryHost, { nullable: true })
  host?: RepositoryHost | null;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  reviewerProvider?: string | null;

  @Field(() => String, { nullable: true, description: 'Null clears it.' })
  reviewerModel?: string | null;
}

@InputType('DeleteProjectInput')
export class DeleteProjectInput {
  @Field(() => ID)
  projectId: string;
}
