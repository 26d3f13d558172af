import { badInput } from '../common/errors.js';

export const DEFAULT_PROFICIENCY = 3;

/** Level names per language, 1 to 5 in order. */
const LABELS: Record<string, readonly string[]> = {
  en: ['beginner', 'basic', 'intermediate', 'advanced', 'expert'],
  tr: ['başlangıç', 'temel', 'orta', 'ileri', 'uzman'],
  de: ['anfänger', 'grundkenntnisse', 'mittel', 'fortgeschritten', 'experte'],
};

const LEVEL_BY_LABEL = new Map<string, number>(
  Object.values(LABELS).flatMap((labels) =>
    labels.map((label, index) => [label.normalize('NFC'), index + 1] as const),
  ),
);

export const PROFICIENCY_FORMS =
  '1-5; beginner, basic, intermediate, advanced, expert; a percentage such as 75 or "75%" ' +
  '(up to 20 → 1, 40 → 2, 60 → 3, 80 → 4, above → 5; a bare number above 5 is a percentage); ' +
  'başlangıç, temel, orta, ileri, uzman; Anfänger, Grundkenntnisse, Mittel, Fortgeschritten, Experte';

/** The English label of a stored level. */
export function proficiencyLabel(level: number): string {
  return LABELS.en?.[level - 1] ?? String(level);
}

/**
 * Normalizes any accepted spelling of a proficiency to 1–5. Numbers 1–5 are levels; larger
 * whole numbers up to 100 and anything written with `%` are percentages. Labels are matched
 * without regard to case, in English, Turkish and German.
 */
export function parseProficiency(field: string, input: unknown): number {
  const level = toLevel(input);
  if (level === undefined) {
    throw badInput(
      field,
      `${field} ${JSON.stringify(input)} is not a proficiency; use one of: ${PROFICIENCY_FORMS}`,
    );
  }
  return level;
}

function toLevel(input: unknown): number | undefined {
  if (typeof input === 'number') return fromBareNumber(input);
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return fromPercent(Number(percent[1]));
  if (/^\d+$/.test(text)) return fromBareNumber(Number(text));
  return (
    LEVEL_BY_LABEL.get(text.toLocaleLowerCase('tr').normalize('NFC')) ??
    LEVEL_BY_LABEL.get(text.toLowerCase().normalize('NFC'))
  );
}

/** A whole number: 1–5 is a level, 0 and 6–100 a percentage; a fraction is ambiguous. */
function fromBareNumber(value: number): number | undefined {
  if (!Number.isInteger(value)) return undefined;
  return value >= 1 && value <= 5 ? value : fromPercent(value);
}

function fromPercent(value: number): number | undefined {
  if (!(value >= 0 && value <= 100)) return undefined;
  if (value <= 20) return 1;
  if (value <= 40) return 2;
  if (value <= 60) return 3;
  if (value <= 80) return 4;
  return 5;
}
