import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../logging/logger.js';

/** A unit of work: the transaction's EntityManager and hooks that run after it commits. */
export interface Tx {
  readonly manager: EntityManager;
  /** Runs `hook` after a successful commit; never after a rollback. */
  afterCommit(hook: () => Promise<void> | void): void;
}

/** Runs units of work; after-commit hooks run in order, and their failures are only logged. */
export class Transactions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: Array<() => Promise<void> | void> = [];
    const result = await this.dataSource.transaction((manager) =>
      work({ manager, afterCommit: (hook) => hooks.push(hook) }),
    );
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.error({ err: error }, 'after-commit hook failed');
      }
    }
    return result;
  }
}
