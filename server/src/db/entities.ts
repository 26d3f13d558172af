import { EventEntity, EventStreamEntity } from '../domain/events/event.entity.js';
import { ProjectEntity } from '../domain/project/project.entity.js';
import { WorkspaceEntity } from '../domain/workspace/workspace.entity.js';

/** Every TypeORM entity; a new entity is registered here and gets a migration. */
export const ENTITIES = [WorkspaceEntity, ProjectEntity, EventEntity, EventStreamEntity];
