import { randomBytes } from 'node:crypto';
import type { TestServer } from './test-server.js';

export interface WorkspaceRef {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
}

export interface ProjectRef {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly normalizedRemote: string;
  readonly workspaceId: string;
}

interface UserErrors {
  userErrors: Array<{ field: string[] | null; message: string; code: string }>;
}

function unique(): string {
  return randomBytes(4).toString('hex');
}

/** Records made through the public API, as a user would make them. */
export class Factories {
  constructor(private readonly server: Pick<TestServer, 'query'>) {}

  async workspace(overrides: { name?: string; slug?: string } = {}): Promise<WorkspaceRef> {
    const data = await this.server.query<
      { createWorkspace: UserErrors & { workspace: WorkspaceRef | null } },
      { input: { name: string; slug?: string } }
    >(
      `mutation($input: CreateWorkspaceInput!) {
        createWorkspace(input: $input) { workspace { id name slug } userErrors { field message code } }
      }`,
      { input: { name: overrides.name ?? `Workspace ${unique()}`, ...overrides } },
    );
    const { workspace, userErrors } = data.createWorkspace;
    if (!workspace) throw new Error(`createWorkspace failed: ${JSON.stringify(userErrors)}`);
    return workspace;
  }

  async project(
    overrides: {
      workspaceId?: string;
      remoteUrl?: string;
      name?: string;
      baseBranch?: string;
    } = {},
  ): Promise<ProjectRef> {
    const workspaceId = overrides.workspaceId ?? (await this.workspace()).id;
    const data = await this.server.query<
      {
        createProject: UserErrors & {
          project: (Omit<ProjectRef, 'workspaceId'> & { workspace: { id: string } }) | null;
        };
      },
      { input: Record<string, unknown> }
    >(
      `mutation($input: CreateProjectInput!) {
        createProject(input: $input) {
          project { id name slug normalizedRemote workspace { id } }
          userErrors { field message code }
        }
      }`,
      {
        input: {
          ...overrides,
          workspaceId,
          remoteUrl: overrides.remoteUrl ?? `https://github.com/acme/repo-${unique()}.git`,
        },
      },
    );
    const { project, userErrors } = data.createProject;
    if (!project) throw new Error(`createProject failed: ${JSON.stringify(userErrors)}`);
    return { ...project, workspaceId: project.workspace.id };
  }
}
