import type { DataSource, EntityManager } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { uuidv7 } from '../common/ids.js';
import { AuditEntryEntity } from './audit.entity.js';

export interface AuditRecord {
  readonly workspaceId: string | null;
  readonly actorKind: 'anonymous' | 'user' | 'system' | 'token';
  readonly actorUserId?: string | null;
  /** The account an account-level event is about. */
  readonly subjectUserId?: string | null;
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
      subjectUserId: entry.subjectUserId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
      address: entry.address ?? null,
    });
    await (manager ?? this.dataSource.manager).insert(AuditEntryEntity, row as never);
    return row;
  }

  /**
   * A workspace's audit log, newest last: its own entries, and the account events (sign-ins,
   * refresh-token reuse, password changes) of its current members. `actions` filters by name.
   */
  page(
    workspaceId: string,
    request: PageRequest,
    actions?: readonly string[],
  ): Promise<Page<AuditEntryEntity>> {
    return fetchPage(this.log(workspaceId, actions), 'a', request);
  }

  count(workspaceId: string, actions?: readonly string[]): Promise<number> {
    return this.log(workspaceId, actions).getCount();
  }

  private log(workspaceId: string, actions: readonly string[] | undefined) {
    const query = this.dataSource.manager.createQueryBuilder(AuditEntryEntity, 'a').where(
      `(a.workspace_id = :workspaceId OR (a.workspace_id IS NULL AND a.subject_user_id IN
           (SELECT m.user_id FROM member m WHERE m.workspace_id = :workspaceId)))`,
      { workspaceId },
    );
    if (actions && actions.length > 0) query.andWhere('a.action IN (:...actions)', { actions });
    return query;
  }
}
