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
 * A user who is a member of `workspaceId` with `role`. Written straight to the database:
 * sign-up and invites arrive with the Access issue.
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
