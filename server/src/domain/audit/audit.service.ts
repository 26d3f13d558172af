import type { DataSource, EntityManager } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { uuidv7 } from '../common/ids.js';
import { AuditEntryEntity } from './audit.entity.js';

export interface AuditRecord {
  readonly workspaceId: string | null;
  readonly actorKind: 'local' | 'user' | 'system' | 'token';
  readonly actorUserId?: string | null;
  readonly action: string;
  readonly target?: string | null;
  readonly details?: Record<string, unknown>;
  readonly address?: string | null;
}

/** The audit log: appended to by security-relevant actions, read by admins. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an entry, in the caller's transaction when given. */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<AuditEntryEntity> {
    const row = Object.assign(new AuditEntryEntity(), {
      id: uuidv7(),
      workspaceId: entry.workspaceId,
      actorKind: entry.actorKind,
      actorUserId: entry.actorUserId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
      address: entry.address ?? null,
    });
    await (manager ?? this.dataSource.manager).insert(AuditEntryEntity, row as never);
    return row;
  }

  page(workspaceId: string, request: PageRequest): Promise<Page<AuditEntryEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(AuditEntryEntity, 'a')
      .where('a.workspace_id = :workspaceId', { workspaceId });
    return fetchPage(query, 'a', request);
  }
}
