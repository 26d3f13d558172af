import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import { ID_PREFIXES, parsePublicIdOf, type NodeKind } from '../../domain/common/public-id.js';

/**
 * The row key behind a public id that must be of `kind`. A malformed id, or one of another
 * kind, is BAD_USER_INPUT naming `field`.
 */
export function decodeId(kind: NodeKind, id: string, field: string): string {
  const uuid = parsePublicIdOf(kind, id);
  if (uuid === undefined) {
    throw new DomainError(
      ErrorCode.BAD_USER_INPUT,
      `${field} is not a ${kind} id (expected ${ID_PREFIXES[kind]}_…, got ${JSON.stringify(id.slice(0, 40))})`,
      [field],
    );
  }
  return uuid;
}
