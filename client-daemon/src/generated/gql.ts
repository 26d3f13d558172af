/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation DaemonRefreshSession($refreshToken: String!) {\n  refreshSession(input: {refreshToken: $refreshToken, delivery: BEARER}) {\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": typeof types.DaemonRefreshSessionDocument,
    "mutation RedeemCliInvite($input: RedeemCliInviteInput!) {\n  redeemCliInvite(input: $input) {\n    user {\n      id\n      name\n      email\n    }\n    workspace {\n      id\n      name\n    }\n    projects {\n      id\n      name\n      normalizedRemote\n    }\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": typeof types.RedeemCliInviteDocument,
    "fragment EventFields on Event {\n  id\n  seq\n  type\n  payload\n  occurredAt\n  projectId\n}": typeof types.EventFieldsFragmentDoc,
    "query Events($projectId: ID!, $after: SafeInt = 0, $first: Int = 100) {\n  events(projectId: $projectId, after: $after, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...EventFields\n    }\n  }\n}": typeof types.EventsDocument,
    "subscription ProjectEvents($projectId: ID!, $after: SafeInt) {\n  projectEvents(projectId: $projectId, after: $after) {\n    ...EventFields\n  }\n}": typeof types.ProjectEventsDocument,
    "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n  }\n}": typeof types.NodeDocument,
    "mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    project {\n      ...ProjectFields\n      workspace {\n        id\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.CreateProjectDocument,
    "fragment ProjectFields on Project {\n  id\n  name\n  slug\n  remoteUrl\n  normalizedRemote\n  host\n  baseBranch\n  releaseMode\n  createdAt\n  updatedAt\n}": typeof types.ProjectFieldsFragmentDoc,
    "query Project($id: ID!) {\n  project(id: $id) {\n    ...ProjectFields\n    workspace {\n      id\n      name\n      slug\n    }\n  }\n}": typeof types.ProjectDocument,
    "mutation AcceptInvite($input: AcceptInviteInput!) {\n  acceptInvite(input: $input) {\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.AcceptInviteDocument,
    "mutation CompleteSetup($input: CompleteSetupInput!) {\n  completeSetup(input: $input) {\n    user {\n      ...SessionUser\n    }\n    workspace {\n      id\n      name\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.CompleteSetupDocument,
    "query InvitePreview($token: String!) {\n  invitePreview(token: $token) {\n    kind\n    role\n    workspaceName\n    projectName\n    email\n    expiresAt\n  }\n}": typeof types.InvitePreviewDocument,
    "mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      ...SessionUser\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.LoginDocument,
    "mutation Logout($input: LogoutInput!) {\n  logout(input: $input) {\n    signedOut\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.LogoutDocument,
    "mutation RefreshSession($input: RefreshSessionInput!) {\n  refreshSession(input: $input) {\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.RefreshSessionDocument,
    "fragment SessionTokens on AuthTokens {\n  accessTokenExpiresAt\n  csrfToken\n}": typeof types.SessionTokensFragmentDoc,
    "fragment SessionUser on User {\n  id\n  name\n  email\n}": typeof types.SessionUserFragmentDoc,
    "query SetupRequired {\n  setupRequired\n}": typeof types.SetupRequiredDocument,
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    user {\n      ...SessionUser\n    }\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.SignUpDocument,
    "query Viewer {\n  viewer {\n    kind\n    authenticationError\n    user {\n      ...SessionUser\n    }\n    memberships {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n  }\n}": typeof types.ViewerDocument,
    "mutation CreateWorkspace($input: CreateWorkspaceInput!) {\n  createWorkspace(input: $input) {\n    workspace {\n      ...WorkspaceFields\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.CreateWorkspaceDocument,
    "fragment WorkspaceFields on Workspace {\n  id\n  name\n  slug\n  createdAt\n  updatedAt\n}": typeof types.WorkspaceFieldsFragmentDoc,
    "query Workspace($id: ID!, $projectsFirst: Int = 50, $projectsAfter: String) {\n  workspace(id: $id) {\n    ...WorkspaceFields\n    projects(first: $projectsFirst, after: $projectsAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ProjectFields\n      }\n    }\n  }\n}": typeof types.WorkspaceDocument,
    "query Workspaces($first: Int = 50, $after: String) {\n  workspaces(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...WorkspaceFields\n    }\n  }\n}": typeof types.WorkspacesDocument,
};
const documents: Documents = {
    "mutation DaemonRefreshSession($refreshToken: String!) {\n  refreshSession(input: {refreshToken: $refreshToken, delivery: BEARER}) {\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": types.DaemonRefreshSessionDocument,
    "mutation RedeemCliInvite($input: RedeemCliInviteInput!) {\n  redeemCliInvite(input: $input) {\n    user {\n      id\n      name\n      email\n    }\n    workspace {\n      id\n      name\n    }\n    projects {\n      id\n      name\n      normalizedRemote\n    }\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": types.RedeemCliInviteDocument,
    "fragment EventFields on Event {\n  id\n  seq\n  type\n  payload\n  occurredAt\n  projectId\n}": types.EventFieldsFragmentDoc,
    "query Events($projectId: ID!, $after: SafeInt = 0, $first: Int = 100) {\n  events(projectId: $projectId, after: $after, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...EventFields\n    }\n  }\n}": types.EventsDocument,
    "subscription ProjectEvents($projectId: ID!, $after: SafeInt) {\n  projectEvents(projectId: $projectId, after: $after) {\n    ...EventFields\n  }\n}": types.ProjectEventsDocument,
    "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n  }\n}": types.NodeDocument,
    "mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    project {\n      ...ProjectFields\n      workspace {\n        id\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.CreateProjectDocument,
    "fragment ProjectFields on Project {\n  id\n  name\n  slug\n  remoteUrl\n  normalizedRemote\n  host\n  baseBranch\n  releaseMode\n  createdAt\n  updatedAt\n}": types.ProjectFieldsFragmentDoc,
    "query Project($id: ID!) {\n  project(id: $id) {\n    ...ProjectFields\n    workspace {\n      id\n      name\n      slug\n    }\n  }\n}": types.ProjectDocument,
    "mutation AcceptInvite($input: AcceptInviteInput!) {\n  acceptInvite(input: $input) {\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.AcceptInviteDocument,
    "mutation CompleteSetup($input: CompleteSetupInput!) {\n  completeSetup(input: $input) {\n    user {\n      ...SessionUser\n    }\n    workspace {\n      id\n      name\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.CompleteSetupDocument,
    "query InvitePreview($token: String!) {\n  invitePreview(token: $token) {\n    kind\n    role\n    workspaceName\n    projectName\n    email\n    expiresAt\n  }\n}": types.InvitePreviewDocument,
    "mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      ...SessionUser\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.LoginDocument,
    "mutation Logout($input: LogoutInput!) {\n  logout(input: $input) {\n    signedOut\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.LogoutDocument,
    "mutation RefreshSession($input: RefreshSessionInput!) {\n  refreshSession(input: $input) {\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.RefreshSessionDocument,
    "fragment SessionTokens on AuthTokens {\n  accessTokenExpiresAt\n  csrfToken\n}": types.SessionTokensFragmentDoc,
    "fragment SessionUser on User {\n  id\n  name\n  email\n}": types.SessionUserFragmentDoc,
    "query SetupRequired {\n  setupRequired\n}": types.SetupRequiredDocument,
    "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    user {\n      ...SessionUser\n    }\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.SignUpDocument,
    "query Viewer {\n  viewer {\n    kind\n    authenticationError\n    user {\n      ...SessionUser\n    }\n    memberships {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n  }\n}": types.ViewerDocument,
    "mutation CreateWorkspace($input: CreateWorkspaceInput!) {\n  createWorkspace(input: $input) {\n    workspace {\n      ...WorkspaceFields\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.CreateWorkspaceDocument,
    "fragment WorkspaceFields on Workspace {\n  id\n  name\n  slug\n  createdAt\n  updatedAt\n}": types.WorkspaceFieldsFragmentDoc,
    "query Workspace($id: ID!, $projectsFirst: Int = 50, $projectsAfter: String) {\n  workspace(id: $id) {\n    ...WorkspaceFields\n    projects(first: $projectsFirst, after: $projectsAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ProjectFields\n      }\n    }\n  }\n}": types.WorkspaceDocument,
    "query Workspaces($first: Int = 50, $after: String) {\n  workspaces(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...WorkspaceFields\n    }\n  }\n}": types.WorkspacesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DaemonRefreshSession($refreshToken: String!) {\n  refreshSession(input: {refreshToken: $refreshToken, delivery: BEARER}) {\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"): (typeof documents)["mutation DaemonRefreshSession($refreshToken: String!) {\n  refreshSession(input: {refreshToken: $refreshToken, delivery: BEARER}) {\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RedeemCliInvite($input: RedeemCliInviteInput!) {\n  redeemCliInvite(input: $input) {\n    user {\n      id\n      name\n      email\n    }\n    workspace {\n      id\n      name\n    }\n    projects {\n      id\n      name\n      normalizedRemote\n    }\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"): (typeof documents)["mutation RedeemCliInvite($input: RedeemCliInviteInput!) {\n  redeemCliInvite(input: $input) {\n    user {\n      id\n      name\n      email\n    }\n    workspace {\n      id\n      name\n    }\n    projects {\n      id\n      name\n      normalizedRemote\n    }\n    tokens {\n      accessToken\n      refreshToken\n      accessTokenExpiresAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment EventFields on Event {\n  id\n  seq\n  type\n  payload\n  occurredAt\n  projectId\n}"): (typeof documents)["fragment EventFields on Event {\n  id\n  seq\n  type\n  payload\n  occurredAt\n  projectId\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Events($projectId: ID!, $after: SafeInt = 0, $first: Int = 100) {\n  events(projectId: $projectId, after: $after, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...EventFields\n    }\n  }\n}"): (typeof documents)["query Events($projectId: ID!, $after: SafeInt = 0, $first: Int = 100) {\n  events(projectId: $projectId, after: $after, first: $first) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...EventFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ProjectEvents($projectId: ID!, $after: SafeInt) {\n  projectEvents(projectId: $projectId, after: $after) {\n    ...EventFields\n  }\n}"): (typeof documents)["subscription ProjectEvents($projectId: ID!, $after: SafeInt) {\n  projectEvents(projectId: $projectId, after: $after) {\n    ...EventFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n  }\n}"): (typeof documents)["query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    project {\n      ...ProjectFields\n      workspace {\n        id\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    project {\n      ...ProjectFields\n      workspace {\n        id\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ProjectFields on Project {\n  id\n  name\n  slug\n  remoteUrl\n  normalizedRemote\n  host\n  baseBranch\n  releaseMode\n  createdAt\n  updatedAt\n}"): (typeof documents)["fragment ProjectFields on Project {\n  id\n  name\n  slug\n  remoteUrl\n  normalizedRemote\n  host\n  baseBranch\n  releaseMode\n  createdAt\n  updatedAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Project($id: ID!) {\n  project(id: $id) {\n    ...ProjectFields\n    workspace {\n      id\n      name\n      slug\n    }\n  }\n}"): (typeof documents)["query Project($id: ID!) {\n  project(id: $id) {\n    ...ProjectFields\n    workspace {\n      id\n      name\n      slug\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AcceptInvite($input: AcceptInviteInput!) {\n  acceptInvite(input: $input) {\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation AcceptInvite($input: AcceptInviteInput!) {\n  acceptInvite(input: $input) {\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CompleteSetup($input: CompleteSetupInput!) {\n  completeSetup(input: $input) {\n    user {\n      ...SessionUser\n    }\n    workspace {\n      id\n      name\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation CompleteSetup($input: CompleteSetupInput!) {\n  completeSetup(input: $input) {\n    user {\n      ...SessionUser\n    }\n    workspace {\n      id\n      name\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query InvitePreview($token: String!) {\n  invitePreview(token: $token) {\n    kind\n    role\n    workspaceName\n    projectName\n    email\n    expiresAt\n  }\n}"): (typeof documents)["query InvitePreview($token: String!) {\n  invitePreview(token: $token) {\n    kind\n    role\n    workspaceName\n    projectName\n    email\n    expiresAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      ...SessionUser\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    user {\n      ...SessionUser\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Logout($input: LogoutInput!) {\n  logout(input: $input) {\n    signedOut\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation Logout($input: LogoutInput!) {\n  logout(input: $input) {\n    signedOut\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RefreshSession($input: RefreshSessionInput!) {\n  refreshSession(input: $input) {\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation RefreshSession($input: RefreshSessionInput!) {\n  refreshSession(input: $input) {\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SessionTokens on AuthTokens {\n  accessTokenExpiresAt\n  csrfToken\n}"): (typeof documents)["fragment SessionTokens on AuthTokens {\n  accessTokenExpiresAt\n  csrfToken\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SessionUser on User {\n  id\n  name\n  email\n}"): (typeof documents)["fragment SessionUser on User {\n  id\n  name\n  email\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SetupRequired {\n  setupRequired\n}"): (typeof documents)["query SetupRequired {\n  setupRequired\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    user {\n      ...SessionUser\n    }\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation SignUp($input: SignUpInput!) {\n  signUp(input: $input) {\n    user {\n      ...SessionUser\n    }\n    member {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n    tokens {\n      ...SessionTokens\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    kind\n    authenticationError\n    user {\n      ...SessionUser\n    }\n    memberships {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    kind\n    authenticationError\n    user {\n      ...SessionUser\n    }\n    memberships {\n      id\n      role\n      workspace {\n        id\n        name\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateWorkspace($input: CreateWorkspaceInput!) {\n  createWorkspace(input: $input) {\n    workspace {\n      ...WorkspaceFields\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["mutation CreateWorkspace($input: CreateWorkspaceInput!) {\n  createWorkspace(input: $input) {\n    workspace {\n      ...WorkspaceFields\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment WorkspaceFields on Workspace {\n  id\n  name\n  slug\n  createdAt\n  updatedAt\n}"): (typeof documents)["fragment WorkspaceFields on Workspace {\n  id\n  name\n  slug\n  createdAt\n  updatedAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Workspace($id: ID!, $projectsFirst: Int = 50, $projectsAfter: String) {\n  workspace(id: $id) {\n    ...WorkspaceFields\n    projects(first: $projectsFirst, after: $projectsAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ProjectFields\n      }\n    }\n  }\n}"): (typeof documents)["query Workspace($id: ID!, $projectsFirst: Int = 50, $projectsAfter: String) {\n  workspace(id: $id) {\n    ...WorkspaceFields\n    projects(first: $projectsFirst, after: $projectsAfter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ProjectFields\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Workspaces($first: Int = 50, $after: String) {\n  workspaces(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...WorkspaceFields\n    }\n  }\n}"): (typeof documents)["query Workspaces($first: Int = 50, $after: String) {\n  workspaces(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...WorkspaceFields\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;