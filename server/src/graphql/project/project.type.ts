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

  @Field({ description: 'Whether a host token is stored (the token itself is never returned).' })
  hasHostToken: boolean;

  @Field({
    description: 'Each task’s work also gets a pull request into the epic (recorded as its prUrl).',
  })
  pullRequestPerTask: boolean;

  @Field(() => String, { nullable: true, description: 'The host API base URL, when set.' })
  hostApiUrl: string | null;

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
      hasHostToken: entity.hostToken !== null,
      pullRequestPerTask: entity.pullRequestPerTask,
      hostApiUrl: entity.hostApiUrl,
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

  @Field(() => String, {
    nullable: true,
    description:
      'A GitHub or GitLab token for the host API (pull requests): checked against the host, sealed with MAESTRO_SECRET, never returned.',
  })
  hostToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The host API base URL (GitHub Enterprise, self-managed GitLab); default: the public service or the remote host.',
  })
  hostApiUrl?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Each task gets a pull request into the epic (GitHub, GitLab).',
  })
  pullRequestPerTask?: boolean | null;
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

  @Field(() => String, {
    nullable: true,
    description: 'A new host token (checked and sealed, never returned); null or empty removes it.',
  })
  hostToken?: string | null;

  @Field(() => String, { nullable: true, description: 'Null: the host’s default API URL.' })
  hostApiUrl?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Each task gets a pull request into the epic (GitHub, GitLab).',
  })
  pullRequestPerTask?: boolean | null;
}

@InputType('DeleteProjectInput')
export class DeleteProjectInput {
  @Field(() => ID)
  projectId: string;
}

@ObjectType('ProjectWebhook', {
  description:
    'Where the host sends its webhooks and the secret it signs them with (GitHub: the webhook secret; GitLab: the secret token).',
})
export class ProjectWebhookType {
  @Field({ description: '`/webhooks/github` or `/webhooks/gitlab`, on this Studio.' })
  path: string;

  @Field()
  secret: string;

  @Field(() => [String], { description: 'The events to send.' })
  events: string[];
}
