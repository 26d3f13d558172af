import { In, type DataSource, type EntityManager } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { ProjectEntity } from './project.entity.js';

export class ProjectRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, project: ProjectEntity): Promise<ProjectEntity> {
    await manager.insert(ProjectEntity, project);
    return manager.findOneByOrFail(ProjectEntity, { id: project.id });
  }

  async update(manager: EntityManager, project: ProjectEntity): Promise<ProjectEntity> {
    await manager.save(ProjectEntity, project);
    return manager.findOneByOrFail(ProjectEntity, { id: project.id });
  }

  async findById(id: string, manager?: EntityManager): Promise<ProjectEntity | undefined> {
    return (
      (await (manager ?? this.dataSource.manager).findOneBy(ProjectEntity, { id })) ?? undefined
    );
  }

  findByIds(ids: readonly string[]): Promise<ProjectEntity[]> {
    return this.dataSource.manager.findBy(ProjectEntity, { id: In([...ids]) });
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

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ProjectEntity, { id });
  }

  async slugsLike(workspaceId: string, base: string): Promise<Set<string>> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(ProjectEntity, 'p')
      .select('p.slug', 'slug')
      .where('p.workspace_id = :workspaceId', { workspaceId })
      .andWhere('(p.slug = :base OR p.slug ~ :pattern)', { base, pattern: `^${base}-[0-9]+$` })
      .getRawMany<{ slug: string }>();
    return new Set(rows.map((row) => row.slug));
  }

  pageInWorkspace(workspaceId: string, request: PageRequest): Promise<Page<ProjectEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(ProjectEntity, 'p')
      .where('p.workspace_id = :workspaceId', { workspaceId });
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
