import { randomBytes } from 'node:crypto';
import type { MemberRole } from '../../src/domain/access/permissions.js';
import { uuidv7 } from '../../src/domain/common/ids.js';
import { parsePublicIdOf, toPublicId } from '../../src/domain/common/public-id.js';
import { MemberEntity } from '../../src/domain/user/member.entity.js';
import { UserEntity } from '../../src/domain/user/user.entity.js';
import type { TestServer } from './test-server.js';

export interface MemberRef {
  /** Public ids, as the API shows them. */
  readonly memberId: string;
  readonly userId: string;
  /** Row keys, for actors and direct checks. */
  readonly memberKey: string;
  readonly userKey: string;
}

/**
 * A user who is a member of `workspaceId` with `role`, written straight to the database (no
 * password: act as them with accessTokenFor or executeAs). Invite flows are tested through the API.
 */
export async function addMember(
  server: TestServer,
  workspaceId: string,
  role: MemberRole,
): Promise<MemberRef> {
  const workspaceKey = parsePublicIdOf('Workspace', workspaceId);
  if (!workspaceKey) throw new Error(`not a workspace id: ${workspaceId}`);
  const manager = server.studio.database.dataSource.manager;
  const userKey = uuidv7();
  const memberKey = uuidv7();
  const tag = randomBytes(4).toString('hex');
  await manager.insert(UserEntity, {
    id: userKey,
    email: `user-${tag}@example.test`,
    name: `User ${tag}`,
  });
  await manager.insert(MemberEntity, {
    id: memberKey,
    workspaceId: workspaceKey,
    userId: userKey,
    role,
  });
  return {
    memberId: toPublicId('Member', memberKey),
    userId: toPublicId('User', userKey),
    memberKey,
    userKey,
  };
}

/**
 * An access token for a user, issued by the Studio's own session code (as a sign-in would):
 * for acting over HTTP as a member added with addMember, who has no password.
 */
export async function accessTokenFor(server: TestServer, userKey: string): Promise<string> {
  const user = await server.studio.database.dataSource.manager.findOneByOrFail(UserEntity, {
    id: userKey,
  });
  const session = await server.studio.services.auth.startSession(user, { address: null }, 'api');
  return session.accessToken;
}
