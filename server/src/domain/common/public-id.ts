import { isUuid } from './ids.js';

/**
 * Public identifiers: a type prefix and the row's UUID in base 62, e.g. `prj_0cX3mZ7TqWbV1k2Hn4LrEd`.
 * They are what every API (GraphQL, the gateway, event payloads) shows; clients treat them as
 * opaque strings. Rows keep plain UUID keys, so the public form can change without a migration.
 */
export const ID_PREFIXES = {
  Workspace: 'wsp',
  Project: 'prj',
  Event: 'evt',
  User: 'usr',
  Member: 'mem',
  Skill: 'skl',
  Plan: 'pln',
  PlanMessage: 'pmg',
  Phase: 'phs',
  Task: 'tsk',
  TaskComment: 'cmt',
  AgentSession: 'ses',
  Team: 'tem',
  Run: 'run',
  ContextFile: 'ctf',
  KnowledgeArtifact: 'kna',
  AuditEntry: 'aud',
  Invite: 'inv',
  ApiToken: 'atk',
} as const;

export type NodeKind = keyof typeof ID_PREFIXES;

const KIND_BY_PREFIX = new Map<string, NodeKind>(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [prefix, kind as NodeKind]),
);

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ENCODED_LENGTH = 22; // ceil(128 / log2(62))
const BASE = 62n;

export function toPublicId(kind: NodeKind, uuid: string): string {
  let value = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let out = '';
  while (value > 0n) {
    out = ALPHABET.charAt(Number(value % BASE)) + out;
    value /= BASE;
  }
  return `${ID_PREFIXES[kind]}_${out.padStart(ENCODED_LENGTH, '0')}`;
}

export interface DecodedId {
  readonly kind: NodeKind;
  readonly uuid: string;
}

/** Decodes a public id; undefined when it is not one of ours (wrong shape or prefix). */
export function parsePublicId(id: string): DecodedId | undefined {
  const match = /^([a-z]{3})_([0-9A-Za-z]{22})$/.exec(id);
  if (!match) return undefined;
  const kind = KIND_BY_PREFIX.get(match[1] ?? '');
  if (kind === undefined) return undefined;
  let value = 0n;
  for (const char of match[2] ?? '') value = value * BASE + BigInt(ALPHABET.indexOf(char));
  if (value >= 1n << 128n) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return isUuid(uuid) ? { kind, uuid } : undefined;
}

/** Decodes a public id that must be of `kind`; undefined otherwise. */
export function parsePublicIdOf(kind: NodeKind, id: string): string | undefined {
  const decoded = parsePublicId(id);
  return decoded?.kind === kind ? decoded.uuid : undefined;
}
