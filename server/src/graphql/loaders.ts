import DataLoader from 'dataloader';
import type { ProjectEntity } from '../domain/project/project.entity.js';
import type { WorkspaceEntity } from '../domain/workspace/workspace.entity.js';
import type { Services } from '../services.js';

/** Batches lookups made while resolving one operation: one query per kind and depth. */
export function createLoaders(services: Services) {
  return {
    workspace: new DataLoader<string, WorkspaceEntity | undefined>(async (ids) =>
      byId(ids, await services.workspaces.getMany(ids)),
    ),
    project: new DataLoader<string, ProjectEntity | undefined>(async (ids) =>
      byId(ids, await services.projects.getMany(ids)),
    ),
    projectCountByWorkspace: new DataLoader<string, number>(async (ids) => {
      const counts = await services.projects.countByWorkspaces(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): Array<T | undefined> {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id));
}
