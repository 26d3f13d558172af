import { badInput } from './errors.js';

/** A display name: trimmed, 1–`max` characters, no control characters. */
export function requireName(field: string, value: string, max = 100): string {
  const name = value.trim();
  if (name === '') throw badInput(field, `${field} must not be empty`);
  if (name.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw badInput(field, `${field} must not contain control characters`);
  }
  return name;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** A URL-safe slug: 1–48 lower-case letters, digits and inner hyphens. */
export function requireSlug(field: string, value: string): string {
  const slug = value.trim();
  if (!SLUG.test(slug)) {
    throw badInput(
      field,
      `${field} must be 1-48 lower-case letters, digits or hyphens, starting and ending with a letter or digit`,
    );
  }
  return slug;
}

/** The slug a name suggests (`"Café Ops!"` → `cafe-ops`); empty when nothing is left. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/** The first of `base`, `base-2`, `base-3`, … that is not in `taken`. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 48 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A branch name git accepts (the rules of `git check-ref-format --branch`). */
export function requireBranchName(field: string, value: string): string {
  const name = value.trim();
  const problem = branchNameProblem(name);
  if (problem) throw badInput(field, `${field} ${problem}`);
  return name;
}

function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > 200) return 'must be at most 200 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) {
    return 'must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  }
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) {
    return 'must not start with "-" or "/" or end with "/"';
  }
  if (name.includes('..') || name.includes('//') || name.includes('@{') || name === '@') {
    return 'must not contain "..", "//" or "@{"';
  }
  if (name.endsWith('.') || name.endsWith('.lock')) return 'must not end with "." or ".lock"';
  if (name.split('/').some((part) => part.startsWith('.'))) {
    return 'must not have a path component starting with "."';
  }
  return undefined;
}

/** Free text such as a description: at most `max` characters, trimmed at the ends. */
export function requireText(field: string, value: string, max = 20_000): string {
  const text = value.trim();
  if (text.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return text;
}

/** A whole number in [min, max]. */
export function requireInteger(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `${field} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A position in a sequenced log: a whole number, 0 or more. */
export function requireSeq(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw badInput(field, `${field} must be a sequence number, 0 or more`);
  }
  return value;
}

const MACHINE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A daemon's stable machine id: 1–128 letters, digits, ".", "_", ":" or "-". */
export function requireMachineId(field: string, value: string): string {
  if (!MACHINE_ID.test(value)) {
    throw badInput(field, `${field} must be 1-128 letters, digits, ".", "_", ":" or "-"`);
  }
  return value;
}

/** An agent provider's name as daemons report it (claude, codex, gemini, aider, openai, …). */
export const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,31}$/;
