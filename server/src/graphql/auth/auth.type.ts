import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MemberRole } from '../../domain/access/permissions.js';
import {
  ApiTokenScope,
  InviteKind,
  type ApiTokenEntity,
  type InviteEntity,
} from '../../domain/auth/auth.entity.js';
import type { AuditEntryEntity } from '../../domain/audit/audit.entity.js';
import { toPublicId } from '../../domain/common/public-id.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';
import { ProjectType } from '../project/project.type.js';
import { MemberType, UserType } from '../user/user.type.js';
import { WorkspaceType } from '../workspace/workspace.type.js';

export enum TokenDelivery {
  BEARER = 'BEARER',
  COOKIE = 'COOKIE',
}
registerEnumType(TokenDelivery, {
  name: 'TokenDelivery',
  description:
    'How a session’s tokens reach the client: in the payload (API clients, the daemon) or as httpOnly cookies (the browser).',
});
registerEnumType(ApiTokenScope, {
  name: 'ApiTokenScope',
  description:
    'READ: read everything in scope. WRITE: plans, tasks, comments, skills. DISPATCH: activate, assign, analyze.',
});
registerEnumType(InviteKind, { name: 'InviteKind' });

@ObjectType('AuthTokens', {
  description:
    'A session’s tokens. With COOKIE delivery the tokens themselves are null (they are in httpOnly cookies) and csrfToken is set.',
})
export class AuthTokensType {
  @Field(() => String, {
    nullable: true,
    description: 'A JWT for `Authorization: Bearer`, valid 15 minutes.',
  })
  accessToken: string | null;

  @Field()
  accessTokenExpiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Exchange it with refreshSession before the access token expires; it works once.',
  })
  refreshToken: string | null;

  @Field()
  refreshTokenExpiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'COOKIE delivery: send it back in the X-CSRF-Token header (it is also in the maestro_csrf cookie).',
  })
  csrfToken: string | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field(() => UserType, { nullable: true })
  user: UserType | null;

  @Field(() => AuthTokensType, { nullable: true })
  tokens: AuthTokensType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('LoginInput')
export class LoginInput {
  @Field()
  email: string;

  @Field()
  password: string;

  @Field(() => TokenDelivery, { nullable: true, description: 'Defaults to BEARER.' })
  delivery?: TokenDelivery | null;
}

@InputType('RefreshSessionInput')
export class RefreshSessionInput {
  @Field(() => String, {
    nullable: true,
    description: 'The refresh token; omit it in the browser, where the cookie is used.',
  })
  refreshToken?: string | null;

  @Field(() => TokenDelivery, { nullable: true, description: 'Defaults to BEARER.' })
  delivery?: TokenDelivery | null;
}

@InputType('LogoutInput')
export class LogoutInput {
  @Field(() => String, {
    nullable: true,
    description: 'Omit it in the browser, where the cookie is used.',
  })
  refreshToken?: string | null;
}

@ObjectType('LogoutPayload')
export class LogoutPayload {
  @Field({ description: 'Whether a session was found and signed out.' })
  signedOut: boolean;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('CompleteSetupInput')
export class CompleteSetupInput {
  @Field({ description: 'The token of the one-time setup link Studio printed at start-up.' })
  setupToken: string;

  @Field()
  email: string;

  @Field({ description: 'At least 10 characters.' })
  password: string;

  @Field()
  name: string;

  @Field()
  workspaceName: string;

  @Field(() => TokenDelivery, { nullable: true, description: 'Defaults to BEARER.' })
  delivery?: TokenDelivery | null;
}

@ObjectType('CompleteSetupPayload')
export class CompleteSetupPayload extends AuthPayload {
  @Field(() => WorkspaceType, { nullable: true })
  workspace: WorkspaceType | null;
}

@InputType('ChangePasswordInput')
export class ChangePasswordInput {
  @Field()
  currentPassword: string;

  @Field()
  newPassword: string;
}

@ObjectType('ChangePasswordPayload')
export class ChangePasswordPayload {
  @Field(() => UserType, { nullable: true })
  user: UserType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType('Invite', { implements: NodeInterface })
export class InviteType extends NodeInterface {
  @Field(() => InviteKind)
  kind: InviteKind;

  @Field(() => MemberRole, { nullable: true, description: 'Null for CLI invites.' })
  role: MemberRole | null;

  @Field(() => String, { nullable: true, description: 'Only this account may accept, when set.' })
  email: string | null;

  @Field()
  createdAt: Date;

  @Field()
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  redeemedAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  key: string;
  workspaceKey: string;
  projectKey: string | null;
  createdByKey: string;

  static from(entity: InviteEntity): InviteType {
    return Object.assign(new InviteType(), {
      id: toPublicId('Invite', entity.id),
      key: entity.id,
      workspaceKey: entity.workspaceId,
      projectKey: entity.projectId,
      createdByKey: entity.createdById,
      kind: entity.kind,
      role: entity.role,
      email: entity.email,
      createdAt: entity.createdAt,
      expiresAt: entity.expiresAt,
      redeemedAt: entity.redeemedAt,
      revokedAt: entity.revokedAt,
    });
  }
}

@ObjectType('InviteConnection')
export class InviteConnection extends Connection(InviteType, 'Invite') {}

@ObjectType('InvitePreview', {
  description: 'What an invite token offers, shown before accepting it.',
})
export class InvitePreviewType {
  @Field(() => InviteKind)
  kind: InviteKind;

  @Field(() => MemberRole, { nullable: true })
  role: MemberRole | null;

  @Field()
  workspaceName: string;

  @Field(() => String, { nullable: true })
  projectName: string | null;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field()
  expiresAt: Date;
}

@InputType('CreateInviteInput')
export class CreateInviteInput {
  @Field(() => ID)
  workspaceId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Invite to this project only (a project invite).',
  })
  projectId?: string | null;

  @Field(() => MemberRole)
  role: MemberRole;

  @Field(() => String, {
    nullable: true,
    description: 'Restrict the invite to this email address.',
  })
  email?: string | null;
}

@ObjectType('CreateInvitePayload')
export class CreateInvitePayload {
  @Field(() => InviteType, { nullable: true })
  invite: InviteType | null;

  @Field(() => String, { nullable: true, description: 'The invite token; shown only now.' })
  token: string | null;

  @Field(() => String, { nullable: true, description: 'The link that accepts it.' })
  acceptUrl: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('CreateCliInviteInput')
export class CreateCliInviteInput {
  @Field(() => ID)
  workspaceId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Only this project (default: every project you see).',
  })
  projectId?: string | null;
}

@ObjectType('CreateCliInvitePayload')
export class CreateCliInvitePayload {
  @Field(() => InviteType, { nullable: true })
  invite: InviteType | null;

  @Field(() => String, { nullable: true, description: 'A one-time JWT; shown only now.' })
  token: string | null;

  @Field(() => String, { nullable: true, description: 'The command to run on the machine.' })
  command: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('RevokeInviteInput')
export class RevokeInviteInput {
  @Field(() => ID)
  inviteId: string;
}

@ObjectType('InvitePayload')
export class InvitePayload {
  @Field(() => InviteType, { nullable: true })
  invite: InviteType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('AcceptInviteInput')
export class AcceptInviteInput {
  @Field()
  token: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The workspace the invite is expected to be for; a different one is an error.',
  })
  workspaceId?: string | null;
}

@ObjectType('AcceptInvitePayload')
export class AcceptInvitePayload {
  @Field(() => MemberType, { nullable: true })
  member: MemberType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('SignUpInput')
export class SignUpInput {
  @Field({
    description: 'A workspace or project invite token: accounts are created by invitation.',
  })
  inviteToken: string;

  @Field()
  email: string;

  @Field({ description: 'At least 10 characters.' })
  password: string;

  @Field()
  name: string;

  @Field(() => TokenDelivery, { nullable: true, description: 'Defaults to BEARER.' })
  delivery?: TokenDelivery | null;
}

@ObjectType('SignUpPayload')
export class SignUpPayload extends AuthPayload {
  @Field(() => MemberType, { nullable: true })
  member: MemberType | null;
}

@InputType('MachineInput')
export class MachineInput {
  @Field({ description: 'A stable id of the machine (the daemon’s machine.id).' })
  id: string;

  @Field({ description: 'A name people recognise, e.g. the host name.' })
  name: string;
}

@InputType('RedeemCliInviteInput')
export class RedeemCliInviteInput {
  @Field()
  token: string;

  @Field(() => MachineInput)
  machine: MachineInput;
}

@ObjectType('RedeemCliInvitePayload')
export class RedeemCliInvitePayload extends AuthPayload {
  @Field(() => WorkspaceType, { nullable: true })
  workspace: WorkspaceType | null;

  @Field(() => [ProjectType], {
    nullable: true,
    description: 'The projects this machine may work on.',
  })
  projects: ProjectType[] | null;
}

@ObjectType('ApiToken', { implements: NodeInterface })
export class ApiTokenType extends NodeInterface {
  @Field()
  name: string;

  @Field(() => [ApiTokenScope])
  scopes: ApiTokenScope[];

  @Field({ description: 'The first characters of the token, to tell tokens apart.' })
  prefix: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'To the minute.' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  key: string;
  workspaceKey: string;
  projectKey: string | null;
  createdByKey: string;

  static from(entity: ApiTokenEntity): ApiTokenType {
    return Object.assign(new ApiTokenType(), {
      id: toPublicId('ApiToken', entity.id),
      key: entity.id,
      workspaceKey: entity.workspaceId,
      projectKey: entity.projectId,
      createdByKey: entity.createdById,
      name: entity.name,
      scopes: entity.scopes,
      prefix: entity.prefix,
      createdAt: entity.createdAt,
      expiresAt: entity.expiresAt,
      lastUsedAt: entity.lastUsedAt,
      revokedAt: entity.revokedAt,
    });
  }
}

@ObjectType('ApiTokenConnection')
export class ApiTokenConnection extends Connection(ApiTokenType, 'ApiToken') {}

@InputType('CreateApiTokenInput')
export class CreateApiTokenInput {
  @Field(() => ID)
  workspaceId: string;

  @Field(() => ID, { nullable: true, description: 'Bind the token to this project only.' })
  projectId?: string | null;

  @Field()
  name: string;

  @Field(() => [ApiTokenScope])
  scopes: ApiTokenScope[];

  @Field(() => Int, { nullable: true, description: '1-366 days; default: until revoked.' })
  expiresInDays?: number | null;
}

@ObjectType('CreateApiTokenPayload')
export class CreateApiTokenPayload {
  @Field(() => ApiTokenType, { nullable: true })
  apiToken: ApiTokenType | null;

  @Field(() => String, { nullable: true, description: 'The token; shown only now.' })
  token: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('RevokeApiTokenInput')
export class RevokeApiTokenInput {
  @Field(() => ID)
  apiTokenId: string;
}

@ObjectType('ApiTokenPayload')
export class ApiTokenPayload {
  @Field(() => ApiTokenType, { nullable: true })
  apiToken: ApiTokenType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType('AuditEntry', { implements: NodeInterface, description: 'A security-relevant event.' })
export class AuditEntryType extends NodeInterface {
  @Field({ description: 'e.g. login.failed, member.role_changed, api_token.created.' })
  action: string;

  @Field({ description: 'anonymous, user, token or system.' })
  actorKind: string;

  @Field(() => String, { nullable: true, description: 'The public id of what it happened to.' })
  target: string | null;

  @Field(() => JSONObject)
  details: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'The client address.' })
  address: string | null;

  @Field()
  createdAt: Date;

  actorKey: string | null;
  subjectKey: string | null;

  static from(entity: AuditEntryEntity): AuditEntryType {
    return Object.assign(new AuditEntryType(), {
      id: toPublicId('AuditEntry', entity.id),
      action: entity.action,
      actorKind: entity.actorKind,
      target: entity.target,
      details: entity.details,
      address: entity.address,
      createdAt: entity.createdAt,
      actorKey: entity.actorUserId,
      subjectKey: entity.subjectUserId,
    });
  }
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnection extends Connection(AuditEntryType, 'AuditEntry') {}
