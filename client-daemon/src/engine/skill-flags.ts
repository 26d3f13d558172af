import type { SessionSkillInput } from '../generated/graphql.js';

export class SkillFlagError extends Error {}

/**
 * `--with-skill slug[:level],…`: each skill by slug (or id), with a level Studio accepts
 * (1–5, beginner…expert, a percentage); without one, intermediate.
 */
export function parseSkillFlags(values: readonly string[]): SessionSkillInput[] {
  const skills: SessionSkillInput[] = [];
  for (const item of values.flatMap((value) => value.split(','))) {
    const text = item.trim();
    if (text === '') continue;
    const [skill = '', level, extra] = text.split(':');
    if (extra !== undefined || skill.trim() === '' || level?.trim() === '') {
      throw new SkillFlagError(
        `--with-skill "${text}": expected slug or slug:level (e.g. typescript:4)`,
      );
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(skill.trim())) {
      throw new SkillFlagError(`--with-skill "${text}": "${skill}" is not a skill slug`);
    }
    const proficiency =
      level === undefined ? 3 : /^\d+$/.test(level.trim()) ? Number(level) : level.trim();
    if (skills.some((one) => one.skill === skill.trim())) {
      throw new SkillFlagError(`--with-skill names ${skill.trim()} twice`);
    }
    skills.push({ skill: skill.trim(), proficiency });
  }
  return skills;
}
