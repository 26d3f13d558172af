import { returning } from '../../db/returning.js';
import { randomBytes, createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../logging/logger.js';
import type { Actor } from '../access/actor.js';
import { MemberRole } from '../access/permissions.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, conflict, unauthenticated } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { parsePublicIdOf, toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireName, slugify } from '../common/validation.js';
import { UserEntity } from '../user/user.entity.js';
import { MemberEntity } from '../user/member.entity.js';
import { WorkspaceEntity } from '../workspace/workspace.entity.js';
import { RefreshTokenEntity, SetupTokenEntity } from './auth.entity.js';
import type { TokenKeys } from './jwt.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashToken, newOpaqueToken } from './opaque-token.js';
import { hashPassword, requirePassword, verifyPassword } from './passwords.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
export const SETUP_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** Where a request came from, for throttling and the audit log. */
export interface ClientInfo {
  readonly address: string | null;
}

/** How the client holds its tokens; `cli` sessions also record the machine. */
export type ClientKind = 'browser' | 'api' | 'cli';

export interface Machine {
  readonly id: string;
  readonly name: string;
}

/** A signed-in session: a fresh access token and the next refresh token of its family. */
export interface IssuedSession {
  readonly user: UserEntity;
  readonly sessionId: string;
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  /** For cookie sessions: the value the browser echoes in the X-CSRF-Token header. */
  readonly csrfToken: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A trimmed, lower-case email address, or BAD_USER_INPUT naming the field. */
export function requireEmail(field: string, value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw badInput(field, `${field} must be an email address like name@example.com`);
  }
  return email;
}

export function csrfHash(csrfToken: string): string {
  return createHash('sha256').update(csrfToken).digest('base64url');
}

const SIGN_IN_FAILED = 'the email or password is wrong';

/**
 * Accounts and sessions: first-run setup, sign-in, rotating refresh tokens with reuse
 * detection, sign-out, password changes, and turning an access token back into an actor.
 */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    readonly keys: TokenKeys,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
  ) {}

  async setupRequired(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM "user" LIMIT 1');
    return rows.length === 0;
  }

  /**
   * With no users yet, issues a one-time setup token (every replica that starts may issue its
   * own; all of them die when the first account exists). Undefined once someone has signed up.
   */
  async issueSetupToken(): Promise<string | undefined> {
    if (!(await this.setupRequired())) return undefined;
    const token = newOpaqueToken('setup');
    await this.dataSource.manager.insert(SetupTokenEntity, {
      id: uuidv7(),
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_SECONDS * 1000),
    });
    return token;
  }

  /** First run: the setup token's holder becomes the first user and owner of a new workspace. */
  async completeSetup(
    input: {
      setupToken: string;
      email: string;
      password: string;
      name: string;
      workspaceName: string;
    },
    client: ClientInfo,
    kind: ClientKind,
  ): Promise<{ session: IssuedSession; workspace: WorkspaceEntity }> {
    const email = requireEmail('email', input.email);
    const name = requireName('name', input.name);
    const workspaceName = requireName('workspaceName', input.workspaceName);
    const passwordHash = await hashPassword(requirePassword('password', input.password));
    const { user, workspace } = await this.transactions.run(async (tx) => {
      // One setup at a time, whichever replica it reaches.
      await tx.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['maestro:setup']);
      const deleted: unknown[] = await returning(
        tx.manager,
        'DELETE FROM setup_token WHERE token_hash = $1 AND expires_at > now() RETURNING id',
        [hashToken(input.setupToken)],
      );
      const users: unknown[] = await tx.manager.query('SELECT 1 FROM "user" LIMIT 1');
      if (users.length > 0) throw conflict('this Studio is already set up; sign in instead');
      if (deleted.length === 0) {
        throw unauthenticated(
          'the setup link is not valid or has expired; restart Studio for a new one',
        );
      }
      await tx.manager.query('DELETE FROM setup_token');
      const user = Object.assign(new UserEntity(), { id: uuidv7(), email, name, passwordHash });
      await tx.manager.insert(UserEntity, user);
      const workspace = Object.assign(new WorkspaceEntity(), {
        id: uuidv7(),
        name: workspaceName,
        slug: slugify(workspaceName) || 'workspace',
      });
      await tx.manager.insert(WorkspaceEntity, workspace);
      await tx.manager.insert(MemberEntity, {
        id: uuidv7(),
        workspaceId: workspace.id,
        userId: user.id,
        role: MemberRole.OWNER,
      });
      await this.audit.record(
        {
          workspaceId: workspace.id,
          actorKind: 'user',
          actorUserId: user.id,
          subjectUserId: user.id,
          action: 'setup.completed',
          target: toPublicId('User', user.id),
          address: client.address,
        },
        tx.manager,
      );
      return {
        user: await tx.manager.findOneByOrFail(UserEntity, { id: user.id }),
        workspace: await tx.manager.findOneByOrFail(WorkspaceEntity, { id: workspace.id }),
      };
    });
    this.logger.info({ userId: toPublicId('User', user.id) }, 'first-run setup completed');
    return { session: await this.startSession(user, client, kind), workspace };
  }

  /** Creates an account (through an invite: see InviteService.signUp). */
  async createUser(
    manager: EntityManager,
    input: { email: string; password: string; name: string },
  ): Promise<UserEntity> {
    const email = requireEmail('email', input.email);
    const name = requireName('name', input.name);
    const passwordHash = await hashPassword(requirePassword('password', input.password));
    const taken = await manager.findOneBy(UserEntity, { email });
    if (taken)
      throw conflict('an account with this email already exists; sign in to accept', 'email');
    const user = Object.assign(new UserEntity(), { id: uuidv7(), email, name, passwordHash });
    await manager.insert(UserEntity, user);
    return manager.findOneByOrFail(UserEntity, { id: user.id });
  }

  /**
   * Signs in with an email and a password. Throttled per account and per address before the
   * password is checked; an unknown email costs the same as a wrong password and fails the same.
   */
  async login(
    input: { email: string; password: string },
    client: ClientInfo,
    kind: ClientKind,
  ): Promise<IssuedSession> {
    const email = input.email.trim().toLowerCase();
    if (email === '') throw badInput('email', 'email must not be empty');
    const keys = { account: email, address: client.address };
    await this.throttle.check(keys);
    const user = await this.dataSource.manager.findOneBy(UserEntity, { email });
    const ok = await verifyPassword(input.password, user?.passwordHash ?? null);
    if (!user || !ok) {
      const locked = await this.throttle.fail(keys);
      await this.audit.record({
        workspaceId: null,
        actorKind: 'anonymous',
        subjectUserId: user?.id ?? null,
        action: locked ? 'login.locked' : 'login.failed',
        target: user ? toPublicId('User', user.id) : null,
        details: user ? {} : { email },
        address: client.address,
      });
      throw unauthenticated(SIGN_IN_FAILED);
    }
    await this.throttle.succeed(email);
    const session = await this.startSession(user, client, kind);
    await this.audit.record({
      workspaceId: null,
      actorKind: 'user',
      actorUserId: user.id,
      subjectUserId: user.id,
      action: 'login.succeeded',
      target: toPublicId('User', user.id),
      details: { client: kind },
      address: client.address,
    });
    return session;
  }

  /** A new refresh-token family and its first access token. */
  async startSession(
    user: UserEntity,
    client: ClientInfo,
    kind: ClientKind,
    machine?: Machine,
    manager?: EntityManager,
  ): Promise<IssuedSession> {
    const familyId = uuidv7();
    const refresh = await this.insertRefreshToken(manager ?? this.dataSource.manager, {
      familyId,
      userId: user.id,
      client: kind,
      machineId: machine?.id ?? null,
      machineName: machine?.name ?? null,
      address: client.address,
    });
    return this.issue(user, familyId, refresh);
  }

  /**
   * Exchanges a refresh token for a new access token and the next refresh token. A token that
   * was already exchanged is a sign of theft: its whole family is revoked and audited.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
    const outcome = await this.transactions.run(async (tx) => {
      const row = await tx.manager.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashToken(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return { error: 'the refresh token is not valid' } as const;
      if (row.revokedAt) {
        return { error: 'the refresh token was revoked; sign in again' } as const;
      }
      if (row.rotatedAt) {
        await tx.manager.query(
          `UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'reuse'
            WHERE family_id = $1 AND revoked_at IS NULL`,
          [row.familyId],
        );
        await this.audit.record(
          {
            workspaceId: null,
            actorKind: 'anonymous',
            subjectUserId: row.userId,
            action: 'refresh_token.reused',
            target: toPublicId('User', row.userId),
            details: { sessionId: row.familyId, client: row.client, machine: row.machineName },
            address: client.address,
          },
          tx.manager,
        );
        return {
          error:
            'the refresh token was already used; every token of its session has been revoked, sign in again',
        } as const;
      }
      if (row.expiresAt.getTime() <= Date.now()) {
        return { error: 'the refresh token has expired; sign in again' } as const;
      }
      row.rotatedAt = new Date();
      await tx.manager.save(RefreshTokenEntity, row);
      const user = await tx.manager.findOneBy(UserEntity, { id: row.userId });
      if (!user) return { error: 'the account no longer exists' } as const;
      const next = await this.insertRefreshToken(tx.manager, {
        familyId: row.familyId,
        userId: row.userId,
        client: row.client,
        machineId: row.machineId,
        machineName: row.machineName,
        address: client.address,
      });
      return { user, familyId: row.familyId, next } as const;
    });
    if ('error' in outcome)
      throw unauthenticated(outcome.error ?? 'the refresh token is not valid');
    return this.issue(outcome.user, outcome.familyId, outcome.next);
  }

  /** Signs a session out: its refresh-token family is revoked. Unknown tokens are ignored. */
  async logout(refreshToken: string, client: ClientInfo): Promise<boolean> {
    const rows: { family_id: string; user_id: string }[] = await this.dataSource.query(
      'SELECT family_id, user_id FROM refresh_token WHERE token_hash = $1',
      [hashToken(refreshToken)],
    );
    const row = rows[0];
    if (!row) return false;
    await this.revokeFamily(row.family_id, 'logout');
    await this.audit.record({
      workspaceId: null,
      actorKind: 'user',
      actorUserId: row.user_id,
      subjectUserId: row.user_id,
      action: 'logout',
      target: toPublicId('User', row.user_id),
      address: client.address,
    });
    return true;
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE refresh_token SET revoked_at = now(), revoked_reason = $2
        WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
  }

  /** Changes a password after checking the current one; other sessions are signed out. */
  async changePassword(
    userId: string,
    input: { currentPassword: string; newPassword: string },
    keepSessionId: string | undefined,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.dataSource.manager.findOneBy(UserEntity, { id: userId });
    if (!user) throw unauthenticated('the account no longer exists');
    const keys = { account: user.email, address: client.address };
    await this.throttle.check(keys);
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await this.throttle.fail(keys);
      throw badInput('currentPassword', 'currentPassword is wrong');
    }
    const passwordHash = await hashPassword(requirePassword('newPassword', input.newPassword));
    await this.transactions.run(async (tx) => {
      await tx.manager.update(UserEntity, { id: userId }, { passwordHash });
      await tx.manager.query(
        `UPDATE refresh_token SET revoked_at = now(), revoked_reason = 'password_changed'
          WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $2`,
        [userId, keepSessionId ?? null],
      );
      await this.audit.record(
        {
          workspaceId: null,
          actorKind: 'user',
          actorUserId: userId,
          subjectUserId: userId,
          action: 'password.changed',
          target: toPublicId('User', userId),
          address: client.address,
        },
        tx.manager,
      );
    });
  }

  /** The user behind an access token, or UNAUTHENTICATED saying what is wrong with it. */
  async authenticate(
    accessToken: string,
  ): Promise<Extract<Actor, { kind: 'user' }> & { csrf?: string }> {
    const { payload, expiresAt } = await this.keys.verify('access', accessToken, 'access token');
    const userId = parsePublicIdOf('User', String(payload.sub));
    if (!userId) throw unauthenticated('the access token is not valid');
    return {
      kind: 'user',
      userId,
      expiresAt,
      ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}),
      ...(typeof payload.csrf === 'string' ? { csrf: payload.csrf } : {}),
    };
  }

  private async insertRefreshToken(
    manager: EntityManager,
    fields: Pick<
      RefreshTokenEntity,
      'familyId' | 'userId' | 'client' | 'machineId' | 'machineName' | 'address'
    >,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = newOpaqueToken('refresh');
    const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000);
    await manager.insert(RefreshTokenEntity, {
      id: uuidv7(),
      tokenHash: hashToken(token),
      expiresAt,
      ...fields,
    });
    return { token, expiresAt };
  }

  private async issue(
    user: UserEntity,
    familyId: string,
    refresh: { token: string; expiresAt: Date },
  ): Promise<IssuedSession> {
    const csrfToken = randomBytes(24).toString('base64url');
    const access = await this.keys.sign('access', {
      subject: toPublicId('User', user.id),
      ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      jti: uuidv7(),
      extra: { sid: familyId, csrf: csrfHash(csrfToken) },
    });
    return {
      user,
      sessionId: familyId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
      csrfToken,
    };
  }
}
