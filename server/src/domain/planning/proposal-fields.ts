import { DomainError } from '../common/errors.js';
import { requireSlug, slugify } from '../common/validation.js';
import { parseProficiency } from '../skill/proficiency.js';
import { PROPOSAL_LIMITS } from './proposal.js';

/**
 * Readers for the values of a proposal's fields, shared by the JSON and Markdown formats.
 * Each returns the value or a problem phrased to follow the field's name ("must be …").
 */
export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = <T>(problem: string): Read<T> => ({ ok: false, problem });

const PROFICIENCY_HINT =
  'must be a level 1-5, a name (beginner, basic, intermediate, advanced, expert) ' +
  'or a percentage such as "75%"';

/**
 * A proficiency: a whole number 1–5, a level name or a percentage written with `%` — what
 * parseProficiency accepts, except that a bare number must be 1–5: a planner that writes 6 or
 * 0 on a 1–5 scale has made a mistake, not written a percentage.
 */
export function readProficiency(input: string | number): Read<number> {
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const level = Number(text);
    return Number.isInteger(level) && level >= 1 && level <= 5
      ? ok(level)
      : bad(`${PROFICIENCY_HINT}; got ${text}`);
  }
  try {
    return ok(parseProficiency('proficiency', text));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return bad(`${PROFICIENCY_HINT}; got ${JSON.stringify(input)}`);
  }
}

const MINUTES_PER_UNIT: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(m|mins?|minutes?)$/, 1],
  [/^(h|hrs?|hours?)$/, 60],
  [/^(d|days?)$/, 8 * 60],
  [/^(w|wks?|weeks?)$/, 5 * 8 * 60],
];

const ESTIMATE_HINT =
  'must be a positive whole number of minutes or a duration such as "30m", "2h", "1.5d" or "1h 30m"';

/**
 * An estimate in minutes. A number is minutes and must be a positive whole number. A string
 * is a bare number of minutes or a duration made of parts `<number><unit>`: m (minutes),
 * h (hours), d (working days of 8 hours), w (weeks of 5 days); "1h 30m" = 90, "1.5d" = 720.
 * A duration is rounded to the nearest minute.
 */
export function readEstimate(input: string | number): Read<number> {
  let minutes: number;
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input <= 0) return bad(`${ESTIMATE_HINT}; got ${input}`);
    minutes = input;
  } else {
    const parsed = input.length <= 40 ? durationMinutes(input.trim().toLowerCase()) : undefined;
    if (parsed === undefined) return bad(`${ESTIMATE_HINT}; got ${JSON.stringify(input)}`);
    minutes = Math.round(parsed);
    if (minutes <= 0) return bad(`${ESTIMATE_HINT}; got ${JSON.stringify(input)}`);
  }
  if (minutes > PROPOSAL_LIMITS.estimateMinutes) {
    return bad(`must be at most ${PROPOSAL_LIMITS.estimateMinutes} minutes; got ${minutes}`);
  }
  return ok(minutes);
}

function durationMinutes(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const parts = /^(?:\s*\d+(?:\.\d+)?\s*[a-z]+)+$/.test(text)
    ? [...text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)]
    : [];
  if (!parts.length) return undefined;
  let total = 0;
  for (const [, amount, unit] of parts) {
    const factor = MINUTES_PER_UNIT.find(([pattern]) => pattern.test(unit ?? ''))?.[1];
    if (factor === undefined) return undefined;
    total += Number(amount) * factor;
  }
  return total;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off']);

/** true/false, or the words yes/no, y/n, on/off, true/false in any case. */
export function readBoolean(input: string | boolean): Read<boolean> {
  if (typeof input === 'boolean') return ok(input);
  const word = input.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return bad(`must be yes or no (true or false); got ${JSON.stringify(input)}`);
}

/** One of an enum's values, in any case (`feature` → FEATURE). */
export function readEnum<E extends string>(input: string, values: Record<string, E>): Read<E> {
  const wanted = input
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  const found = Object.values(values).find((value) => value === wanted);
  if (found !== undefined) return ok(found);
  return bad(`must be one of ${Object.values(values).join(', ')}; got ${JSON.stringify(input)}`);
}

/** A skill slug, lower-cased; a name that is not a slug gets the slug it suggests as a hint. */
export function readSkillSlug(input: string): Read<string> {
  const slug = input.trim().toLowerCase();
  try {
    return ok(requireSlug('skill', slug));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const hint = slugify(input);
    return bad(
      `must be a skill slug (1-48 lower-case letters, digits or hyphens); got ${JSON.stringify(input)}` +
        (hint ? ` (did you mean "${hint}"?)` : ''),
    );
  }
}
