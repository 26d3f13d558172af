import type { DataSource } from 'typeorm';
import { Transactions } from './domain/common/transactions.js';
import { EventLog } from './domain/events/event-log.service.js';
import { EventRepository } from './domain/events/event.repository.js';
import { ProjectRepository } from './domain/project/project.repository.js';
import { ProjectService } from './domain/project/project.service.js';
import { WorkspaceRepository } from './domain/workspace/workspace.repository.js';
import { WorkspaceService } from './domain/workspace/workspace.service.js';
import type { Logger } from './logging/logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { PubSub } from './pubsub/pubsub.js';

/** The domain services of one Studio, wired to its database and bus. */
export interface Services {
  readonly workspaces: WorkspaceService;
  readonly projects: ProjectService;
  readonly events: EventLog;
}

export function createServices(deps: {
  dataSource: DataSource;
  pubsub: PubSub;
  metrics: Metrics;
  logger: Logger;
}): Services {
  const transactions = new Transactions(deps.dataSource, deps.logger);
  const workspaceRepository = new WorkspaceRepository(deps.dataSource);
  const events = new EventLog(
    new EventRepository(deps.dataSource),
    deps.pubsub,
    deps.metrics,
    deps.logger.child({ component: 'events' }),
  );
  return {
    workspaces: new WorkspaceService(workspaceRepository, transactions),
    projects: new ProjectService(
      new ProjectRepository(deps.dataSource),
      workspaceRepository,
      events,
      transactions,
    ),
    events,
  };
}
