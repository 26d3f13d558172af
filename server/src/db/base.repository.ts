import {
  In,
  type DataSource,
  type EntityManager,
  type EntityTarget,
  type FindOptionsWhere,
} from 'typeorm';

/** Lookups every id-keyed table needs; specific repositories add their own queries. */
export class BaseRepository<T extends { id: string }> {
  constructor(
    protected readonly dataSource: DataSource,
    protected readonly entity: EntityTarget<T>,
  ) {}

  /** The transaction's manager when given, else the pool's. */
  protected manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findById(id: string, manager?: EntityManager): Promise<T | undefined> {
    return (
      (await this.manager(manager).findOneBy(this.entity, { id } as FindOptionsWhere<T>)) ??
      undefined
    );
  }

  findByIds(ids: readonly string[]): Promise<T[]> {
    return this.dataSource.manager.findBy(this.entity, { id: In([...ids]) } as FindOptionsWhere<T>);
  }

  /** Locks the row for the rest of the transaction (FOR UPDATE) and returns it. */
  async lock(manager: EntityManager, id: string): Promise<T | undefined> {
    return (
      (await manager.findOne(this.entity, {
        where: { id } as FindOptionsWhere<T>,
        lock: { mode: 'pessimistic_write' },
      })) ?? undefined
    );
  }

  async insert(manager: EntityManager, row: T): Promise<T> {
    await manager.insert(this.entity, row as never);
    return manager.findOneByOrFail(this.entity, { id: row.id } as FindOptionsWhere<T>);
  }

  /** Saves changed columns of a loaded row and returns it as stored. */
  async update(manager: EntityManager, row: T): Promise<T> {
    await manager.save(this.entity, row as never);
    return manager.findOneByOrFail(this.entity, { id: row.id } as FindOptionsWhere<T>);
  }

  /**
   * Slugs taken by `base` or `base-<n>` (within a workspace, for workspace-scoped tables); for
   * choosing the next free one. `base` is a validated slug, so it is safe in the pattern.
   */
  async takenSlugs(base: string, workspaceId?: string): Promise<Set<string>> {
    const query = this.dataSource.manager
      .createQueryBuilder(this.entity, 'e')
      .select('e.slug', 'slug')
      .where('(e.slug = :base OR e.slug ~ :pattern)', { base, pattern: `^${base}-[0-9]+$` });
    if (workspaceId !== undefined) query.andWhere('e.workspace_id = :workspaceId', { workspaceId });
    const rows = await query.getRawMany<{ slug: string }>();
    return new Set(rows.map((row) => row.slug));
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(this.entity, { id });
  }
}
