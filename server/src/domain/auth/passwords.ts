import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { badInput } from '../common/errors.js';

/**
 * Password hashing with scrypt (node:crypto). Stored as `scrypt$<N>$<r>$<p>$<salt>$<hash>`
 * (salt and hash base64url), so the cost can be raised later and old hashes still verify.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** scrypt needs 128·N·r bytes; allow twice that. */
const MAX_MEMORY = 256 * COST.N * COST.r;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** Checks a new password against the policy; returns it unchanged. */
export function requirePassword(field: string, password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badInput(field, `${field} must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw badInput(field, `${field} must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (password.trim() === '') throw badInput(field, `${field} must not be only spaces`);
  return password;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, { ...COST, maxmem: MAX_MEMORY });
  return [
    'scrypt',
    COST.N,
    COST.r,
    COST.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/**
 * Whether `password` matches `stored`, compared in constant time. A missing or malformed hash
 * is checked against a dummy so that the time taken does not reveal whether an account exists.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const valid =
    parts.length === 6 && scheme === 'scrypt' && salt !== undefined && hash !== undefined;
  const cost = valid ? { N: Number(n), r: Number(r), p: Number(p) } : COST;
  const expected = valid ? Buffer.from(hash, 'base64url') : randomBytes(KEY_LENGTH);
  const key = await derive(
    password,
    valid ? Buffer.from(salt, 'base64url') : randomBytes(SALT_LENGTH),
    {
      ...cost,
      maxmem: Math.max(MAX_MEMORY, 256 * cost.N * cost.r),
    },
  );
  return valid && key.length === expected.length && timingSafeEqual(key, expected);
}
