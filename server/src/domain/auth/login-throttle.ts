import type { DataSource } from 'typeorm';
import { rateLimited } from '../common/errors.js';

export interface ThrottleLimits {
  /** Failed sign-ins allowed per account within the window before it is locked. */
  readonly perAccount: number;
  /** Failed sign-ins allowed per client address within the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perAccount: 5,
  perAddress: 30,
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
};

export interface ThrottleKeys {
  readonly account: string;
  readonly address: string | null;
}

/**
 * Counts failed sign-ins per account and per address in Postgres (so every replica sees the
 * same counts). Reaching a limit locks that key for `lockSeconds`; a locked key is refused
 * before any password is checked.
 */
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  private keys(keys: ThrottleKeys): Array<{ key: string; limit: number; what: string }> {
    const out = [
      { key: `account:${keys.account}`, limit: this.limits.perAccount, what: 'this account' },
    ];
    if (keys.address) {
      out.push({
        key: `address:${keys.address}`,
        limit: this.limits.perAddress,
        what: 'your address',
      });
    }
    return out;
  }

  /** Throws RATE_LIMITED while any of the keys is locked. */
  async check(keys: ThrottleKeys): Promise<void> {
    const entries = this.keys(keys);
    const rows: { key: string; retry: number }[] = await this.dataSource.query(
      `SELECT key, ceil(extract(epoch FROM locked_until - now()))::int AS retry
         FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [entries.map((entry) => entry.key)],
    );
    const worst = rows.sort((a, b) => b.retry - a.retry)[0];
    if (worst) {
      const what = entries.find((entry) => entry.key === worst.key)?.what ?? 'this account';
      throw rateLimited(
        `too many failed sign-ins for ${what}; try again in ${minutes(worst.retry)}`,
        Math.max(1, worst.retry),
      );
    }
  }

  /** Counts a failure against every key; returns whether one of them is now locked. */
  async fail(keys: ThrottleKeys): Promise<boolean> {
    let locked = false;
    for (const { key, limit } of this.keys(keys)) {
      const rows: { locked: boolean }[] = await this.dataSource.query(
        `INSERT INTO login_throttle AS t (key, failures, window_started_at, locked_until)
              VALUES ($1, 1, now(), CASE WHEN $2::int <= 1 THEN now() + make_interval(secs => $4) END)
         ON CONFLICT (key) DO UPDATE SET
              failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $3)
                              THEN 1 ELSE t.failures + 1 END,
              window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $3)
                                       THEN now() ELSE t.window_started_at END,
              locked_until = CASE
                WHEN (CASE WHEN t.window_started_at < now() - make_interval(secs => $3)
                           THEN 1 ELSE t.failures + 1 END) >= $2::int
                THEN now() + make_interval(secs => $4)
                ELSE t.locked_until END
         RETURNING locked_until IS NOT NULL AND locked_until > now() AS locked`,
        [key, limit, this.limits.windowSeconds, this.limits.lockSeconds],
      );
      if (rows[0]?.locked) locked = true;
    }
    return locked;
  }

  /** A successful sign-in clears the account's count (the address keeps its own). */
  async succeed(account: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_throttle WHERE key = $1', [
      `account:${account}`,
    ]);
  }
}

function minutes(seconds: number): string {
  const value = Math.max(1, Math.ceil(seconds / 60));
  return value === 1 ? '1 minute' : `${value} minutes`;
}
