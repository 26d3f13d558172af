import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { parsePublicIdOf } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { firstFreeSlug, requireName, requireSlug, slugify } from '../common/validation.js';
import type { MemberRepository } from '../user/member.repository.js';
import { parseProficiency } from './proficiency.js';
import { MemberSkillEntity, SkillEntity } from './skill.entity.js';
import type { SkillRepository } from './skill.repository.js';

/** Colours for skills created without one, picked by slug so they stay stable. */
const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#db2777',
  '#ea580c',
  '#7c3aed',
  '#0891b2',
  '#ca8a04',
  '#dc2626',
];

export interface SkillInput {
  readonly name?: string | undefined;
  readonly slug?: string | undefined;
  readonly color?: string | undefined;
}

export class SkillService {
  constructor(
    private readonly skills: SkillRepository,
    private readonly members: MemberRepository,
    private readonly transactions: Transactions,
  ) {}

  get(id: string): Promise<SkillEntity | undefined> {
    return this.skills.findById(id);
  }

  getMany(ids: readonly string[]): Promise<SkillEntity[]> {
    return this.skills.findByIds(ids);
  }

  inWorkspace(workspaceId: string): Promise<SkillEntity[]> {
    return this.skills.inWorkspace(workspaceId);
  }

  async create(workspaceId: string, input: SkillInput & { name: string }): Promise<SkillEntity> {
    const name = requireName('name', input.name, 60);
    const base = slugify(name) || 'skill';
    const slug =
      input.slug !== undefined
        ? requireSlug('slug', input.slug)
        : firstFreeSlug(base, await this.skills.takenSlugs(base, workspaceId));
    const color = input.color !== undefined ? requireColor(input.color) : defaultColor(slug);
    const skill = Object.assign(new SkillEntity(), {
      id: uuidv7(),
      workspaceId,
      name,
      slug,
      color,
    });
    return this.saving(slug, () =>
      this.transactions.run((tx) => this.skills.insert(tx.manager, skill)),
    );
  }

  async update(skill: SkillEntity, input: SkillInput): Promise<SkillEntity> {
    if (input.name !== undefined) skill.name = requireName('name', input.name, 60);
    if (input.slug !== undefined) skill.slug = requireSlug('slug', input.slug);
    if (input.color !== undefined) skill.color = requireColor(input.color);
    return this.saving(skill.slug, () =>
      this.transactions.run((tx) => this.skills.update(tx.manager, skill)),
    );
  }

  /** Deletes a skill no task needs; member and session proficiencies in it go with it. */
  async delete(skill: SkillEntity): Promise<void> {
    const uses = await this.skills.taskUses(skill.id);
    if (uses > 0) {
      throw conflict(
        `skill "${skill.slug}" is needed by ${uses} task(s); remove it from them first`,
      );
    }
    await this.transactions.run((tx) => this.skills.delete(tx.manager, skill.id));
  }

  /**
   * Resolves skills named by public id (`skl_…`) or slug within a workspace. Every unknown name
   * is reported at once, in one error naming `field`.
   */
  async resolve(
    workspaceId: string,
    field: string,
    keys: readonly string[],
    manager?: EntityManager,
  ): Promise<SkillEntity[]> {
    const ids: string[] = [];
    const slugs: string[] = [];
    for (const key of keys) {
      const id = parsePublicIdOf('Skill', key);
      if (id) ids.push(id);
      else slugs.push(key.trim());
    }
    const found = await this.skills.resolve(workspaceId, { ids, slugs }, manager);
    const unknown = keys.filter(
      (key) =>
        !found.some(
          (skill) => skill.slug === key.trim() || skill.id === parsePublicIdOf('Skill', key),
        ),
    );
    if (unknown.length) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `${field}: no skill ${unknown.map((key) => JSON.stringify(key)).join(', ')} in this workspace`,
        [field],
      );
    }
    return [...new Map(found.map((skill) => [skill.id, skill])).values()];
  }

  memberSkillsOf(memberIds: readonly string[]): Promise<MemberSkillEntity[]> {
    return this.skills.memberSkillsOf(memberIds);
  }

  /** Sets a member's proficiency in a skill (any accepted spelling; stored as 1–5). */
  async setMemberSkill(
    memberId: string,
    skillKey: string,
    proficiency: unknown,
  ): Promise<{ memberSkill: MemberSkillEntity; skill: SkillEntity }> {
    const member = await this.members.findById(memberId);
    if (!member)
      throw new DomainError(ErrorCode.NOT_FOUND, 'memberId: no such member', ['memberId']);
    const level = parseProficiency('proficiency', proficiency);
    const [skill] = await this.resolve(member.workspaceId, 'skill', [skillKey]);
    if (!skill) throw badInput('skill', 'skill is required');
    const row = Object.assign(new MemberSkillEntity(), {
      memberId,
      skillId: skill.id,
      proficiency: level,
    });
    await this.transactions.run((tx) => this.skills.setMemberSkill(tx.manager, row));
    return { memberSkill: row, skill };
  }

  async removeMemberSkill(memberId: string, skillKey: string): Promise<void> {
    const member = await this.members.findById(memberId);
    if (!member)
      throw new DomainError(ErrorCode.NOT_FOUND, 'memberId: no such member', ['memberId']);
    const [skill] = await this.resolve(member.workspaceId, 'skill', [skillKey]);
    const removed =
      skill &&
      (await this.transactions.run((tx) =>
        this.skills.removeMemberSkill(tx.manager, memberId, skill.id),
      ));
    if (!removed) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `skill: the member has no skill ${JSON.stringify(skillKey)}`,
        ['skill'],
      );
    }
  }

  private async saving<T>(slug: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'skill_workspace_slug_key')) {
        throw conflict(`slug "${slug}" is already used in this workspace`, 'slug');
      }
      throw error;
    }
  }
}

/** `#rrggbb` or `#rgb`, stored as lower-case `#rrggbb`. */
export function requireColor(value: string): string {
  const color = value.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(color)) return color;
  if (/^#[0-9a-f]{3}$/.test(color)) {
    return `#${[...color.slice(1)].map((digit) => digit + digit).join('')}`;
  }
  throw badInput(
    'color',
    `color must be a hex colour such as #2563eb or #25e, got ${JSON.stringify(value)}`,
  );
}

function defaultColor(slug: string): string {
  const index = createHash('sha256').update(slug).digest()[0] ?? 0;
  return PALETTE[index % PALETTE.length] as string;
}
