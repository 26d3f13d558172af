import type { DataSource, EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { AgentRunEntity, RunOutputEntity } from './run.entity.js';
import type { RunPurpose, RunStatus } from './run.types.js';

/** Filters of the run connections; given fields combine with AND. */
export interface RunFilter {
  readonly statuses?: readonly RunStatus[] | undefined;
  readonly purposes?: readonly RunPurpose[] | undefined;
  readonly sessionId?: string | undefined;
  readonly taskId?: string | undefined;
}

export class RunRepository extends BaseRepository<AgentRunEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, AgentRunEntity);
  }

  private filtered(projectId: string, filter: RunFilter) {
    const query = this.dataSource.manager
      .createQueryBuilder(AgentRunEntity, 'r')
      .where('r.project_id = :projectId', { projectId });
    if (filter.statuses?.length)
      query.andWhere('r.status IN (:...statuses)', { statuses: [...filter.statuses] });
    if (filter.purposes?.length)
      query.andWhere('r.purpose IN (:...purposes)', { purposes: [...filter.purposes] });
    if (filter.sessionId)
      query.andWhere('r.session_id = :sessionId', { sessionId: filter.sessionId });
    if (filter.taskId) query.andWhere('r.task_id = :taskId', { taskId: filter.taskId });
    return query;
  }

  page(projectId: string, filter: RunFilter, request: PageRequest): Promise<Page<AgentRunEntity>> {
    return fetchPage(this.filtered(projectId, filter), 'r', request);
  }

  count(projectId: string, filter: RunFilter): Promise<number> {
    return this.filtered(projectId, filter).getCount();
  }

  /**
   * The first (or, `fromEnd`, the last) `limit` runs of each task in one statement — a window
   * per task — so a list of tasks can show its runs without a query per task.
   */
  async runsOfTasks(
    taskIds: readonly string[],
    limit: number,
    fromEnd: boolean,
  ): Promise<AgentRunEntity[]> {
    if (taskIds.length === 0) return [];
    const ranked = this.dataSource.manager
      .createQueryBuilder(AgentRunEntity, 'r')
      .select('r.id', 'id')
      .addSelect(
        `ROW_NUMBER() OVER (PARTITION BY r.task_id ORDER BY r.id ${fromEnd ? 'DESC' : 'ASC'})`,
        'rank',
      )
      .where('r.task_id = ANY(CAST(:taskIds AS uuid[]))');
    return this.dataSource.manager
      .createQueryBuilder(AgentRunEntity, 'run')
      .innerJoin(`(${ranked.getQuery()})`, 'ranked', 'ranked.id = run.id AND ranked.rank <= :limit')
      .setParameters({ taskIds: [...taskIds], limit })
      .orderBy('run.id', 'ASC')
      .getMany();
  }

  async countsOfTasks(taskIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<Array<{ task_id: string; count: string }>>(
      'SELECT task_id, count(*) AS count FROM agent_run WHERE task_id = ANY($1::uuid[]) GROUP BY task_id',
      [[...taskIds]],
    );
    return new Map(rows.map((row) => [row.task_id, Number(row.count)]));
  }

  /** Runs waiting in the queue for `sessionId`, oldest first. */
  queuedFor(sessionId: string): Promise<AgentRunEntity[]> {
    return this.dataSource.manager.find(AgentRunEntity, {
      where: { targetSessionId: sessionId, status: 'QUEUED' as RunStatus },
      order: { id: 'ASC' },
    });
  }

  /** Reserves `count` output sequence numbers; returns the last one. The run row stays locked. */
  async reserveOutput(
    manager: EntityManager,
    runId: string,
    count: number,
  ): Promise<number | undefined> {
    const result = await manager
      .createQueryBuilder()
      .update(AgentRunEntity)
      .set({ outputSeq: () => `output_seq + ${Math.trunc(count)}` })
      .where('id = :runId', { runId })
      .returning('output_seq')
      .execute();
    const row = (result.raw as Array<{ output_seq: number }>)[0];
    return row?.output_seq;
  }

  async insertOutput(manager: EntityManager, rows: RunOutputEntity[]): Promise<RunOutputEntity[]> {
    await manager.insert(RunOutputEntity, rows as never);
    return manager
      .createQueryBuilder(RunOutputEntity, 'o')
      .where('o.run_id = :runId AND o.seq BETWEEN :from AND :to', {
        runId: rows[0]?.runId,
        from: rows[0]?.seq,
        to: rows.at(-1)?.seq,
      })
      .orderBy('o.seq')
      .getMany();
  }

  outputAfter(runId: string, after: number, limit: number): Promise<RunOutputEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(RunOutputEntity, 'o')
      .where('o.run_id = :runId AND o.seq > :after', { runId, after })
      .orderBy('o.seq')
      .limit(limit)
      .getMany();
  }

  async lastOutputSeq(runId: string): Promise<number> {
    const run = await this.dataSource.manager.findOne(AgentRunEntity, {
      where: { id: runId },
      select: { id: true, outputSeq: true },
    });
    return run?.outputSeq ?? 0;
  }
}
