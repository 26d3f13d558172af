import type { DataSource } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { ProjectEntity } from './project.entity.js';

export class ProjectRepository extends BaseRepository<ProjectEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, ProjectEntity);
  }

  async findByRemote(
    workspaceId: string,
    normalizedRemote: string,
  ): Promise<ProjectEntity | undefined> {
    return (
      (await this.dataSource.manager.findOneBy(ProjectEntity, { workspaceId, normalizedRemote })) ??
      undefined
    );
  }

  /** Every project (in any workspace) linked to this repository. */
  async idsLinkedTo(normalizedRemote: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ProjectEntity, {
      where: { normalizedRemote },
      select: { id: true },
      order: { id: 'ASC' },
    });
    return rows.map((row) => row.id);
  }

  /** Plans of the projects that are running (ACTIVE or PAUSED). */
  async runningPlanCount(projectIds: readonly string[]): Promise<number> {
    const rows = await this.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) AS count FROM plan WHERE project_id = ANY($1::uuid[]) AND status IN ('ACTIVE', 'PAUSED')`,
      [[...projectIds]],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async idsInWorkspace(workspaceId: string): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ProjectEntity, {
      where: { workspaceId },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** A page of a workspace's projects; with `only`, just those of them. */
  pageInWorkspace(
    workspaceId: string,
    request: PageRequest,
    only?: readonly string[],
  ): Promise<Page<ProjectEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(ProjectEntity, 'p')
      .where('p.workspace_id = :workspaceId', { workspaceId });
    if (only) query.andWhere('p.id = ANY(:only)', { only: [...only] });
    return fetchPage(query, 'p', request);
  }

  /** Project counts for several workspaces in one query (for `totalCount` under a list). */
  async countByWorkspaces(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(ProjectEntity, 'p')
      .select('p.workspace_id', 'workspaceId')
      .addSelect('count(*)', 'count')
      .where('p.workspace_id IN (:...ids)', { ids: [...workspaceIds] })
      .groupBy('p.workspace_id')
      .getRawMany<{ workspaceId: string; count: string }>();
    return new Map(rows.map((row) => [row.workspaceId, Number(row.count)]));
  }
}
