import type { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, conflict, unauthenticated } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireName } from '../common/validation.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { ApiTokenEntity, ApiTokenScope } from './auth.entity.js';
import type { ClientInfo } from './auth.service.js';
import { hashToken, looksLike, newOpaqueToken } from './opaque-token.js';

/** How often last-used times are written (a busy bot does not write on every request). */
const LAST_USED_RESOLUTION_SECONDS = 60;
export const API_TOKEN_MAX_DAYS = 366;

/**
 * API tokens for CI bots and integrations: named, bound to a workspace or one project, with
 * READ, WRITE and DISPATCH scopes; shown once, stored as a SHA-256, revocable, with the time
 * they were last used. A token acts with at most its creator's current role.
 */
export class ApiTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(
    input: {
      workspaceId: string;
      projectId?: string | undefined;
      name: string;
      scopes: readonly ApiTokenScope[];
      expiresInDays?: number | undefined;
    },
    creatorId: string,
    client: ClientInfo,
  ): Promise<{ apiToken: ApiTokenEntity; token: string }> {
    const name = requireName('name', input.name);
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) {
      throw badInput(
        'scopes',
        `scopes must name at least one of ${Object.values(ApiTokenScope).join(', ')}`,
      );
    }
    if (
      input.expiresInDays !== undefined &&
      (!Number.isInteger(input.expiresInDays) ||
        input.expiresInDays < 1 ||
        input.expiresInDays > API_TOKEN_MAX_DAYS)
    ) {
      throw badInput(
        'expiresInDays',
        `expiresInDays must be a whole number from 1 to ${API_TOKEN_MAX_DAYS}`,
      );
    }
    const token = newOpaqueToken('apiToken');
    const row = Object.assign(new ApiTokenEntity(), {
      id: uuidv7(),
      workspaceId: input.workspaceId,
      projectId: input.projectId ?? null,
      name,
      scopes,
      tokenHash: hashToken(token),
      prefix: `${token.slice(0, 9)}…`,
      createdById: creatorId,
      expiresAt:
        input.expiresInDays === undefined
          ? null
          : new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000),
    });
    const apiToken = await this.transactions.run(async (tx) => {
      await tx.manager.insert(ApiTokenEntity, row);
      await this.audit.record(
        {
          workspaceId: row.workspaceId,
          actorKind: 'user',
          actorUserId: creatorId,
          action: 'api_token.created',
          target: toPublicId('ApiToken', row.id),
          details: {
            name,
            scopes,
            ...(row.projectId ? { project: toPublicId('Project', row.projectId) } : {}),
          },
          address: client.address,
        },
        tx.manager,
      );
      return tx.manager.findOneByOrFail(ApiTokenEntity, { id: row.id });
    });
    return { apiToken, token };
  }

  async revoke(row: ApiTokenEntity, userId: string, client: ClientInfo): Promise<ApiTokenEntity> {
    if (row.revokedAt) throw conflict('this API token is already revoked', 'apiTokenId');
    return this.transactions.run(async (tx) => {
      await tx.manager.update(ApiTokenEntity, { id: row.id }, { revokedAt: new Date() });
      await this.audit.record(
        {
          workspaceId: row.workspaceId,
          actorKind: 'user',
          actorUserId: userId,
          action: 'api_token.revoked',
          target: toPublicId('ApiToken', row.id),
          details: { name: row.name },
          address: client.address,
        },
        tx.manager,
      );
      return tx.manager.findOneByOrFail(ApiTokenEntity, { id: row.id });
    });
  }

  get(id: string): Promise<ApiTokenEntity | null> {
    return this.dataSource.manager.findOneBy(ApiTokenEntity, { id });
  }

  page(workspaceId: string, request: PageRequest): Promise<Page<ApiTokenEntity>> {
    return fetchPage(this.inWorkspace(workspaceId), 't', request);
  }

  count(workspaceId: string): Promise<number> {
    return this.inWorkspace(workspaceId).getCount();
  }

  private inWorkspace(workspaceId: string) {
    return this.dataSource.manager
      .createQueryBuilder(ApiTokenEntity, 't')
      .where('t.workspace_id = :workspaceId', { workspaceId });
  }

  /** The actor an API token stands for, or UNAUTHENTICATED saying what is wrong with it. */
  async authenticate(token: string): Promise<Extract<Actor, { kind: 'token' }>> {
    if (!looksLike('apiToken', token)) throw unauthenticated('the API token is not valid');
    const row = await this.dataSource.manager.findOneBy(ApiTokenEntity, {
      tokenHash: hashToken(token),
    });
    if (!row) throw unauthenticated('the API token is not valid');
    if (row.revokedAt) throw unauthenticated('the API token was revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
      throw unauthenticated('the API token has expired');
    }
    if (
      !row.lastUsedAt ||
      row.lastUsedAt.getTime() < Date.now() - LAST_USED_RESOLUTION_SECONDS * 1000
    ) {
      await this.dataSource.query(
        `UPDATE api_token SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
        [row.id, LAST_USED_RESOLUTION_SECONDS],
      );
    }
    return {
      kind: 'token',
      tokenId: row.id,
      userId: row.createdById,
      workspaceId: row.workspaceId,
      projectId: row.projectId,
      scopes: new Set(row.scopes),
      ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    };
  }
}
