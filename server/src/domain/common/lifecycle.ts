import { DomainError, ErrorCode } from './errors.js';

/** Who takes a transition: a person through the API, or the server (dispatcher, review loop). */
export type TransitionBy = 'user' | 'system';

export interface TransitionRule<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
  readonly by: readonly TransitionBy[];
}

/**
 * A lifecycle as one explicit transition table. Anything not in the table is illegal, and
 * asking for it is an error that names the states and what is possible instead.
 */
export class Lifecycle<S extends string> {
  private readonly allowed = new Map<string, ReadonlySet<TransitionBy>>();

  constructor(
    readonly subject: string,
    readonly states: readonly S[],
    rules: ReadonlyArray<TransitionRule<S>>,
  ) {
    for (const rule of rules) {
      for (const from of rule.from) {
        const key = `${from}>${rule.to}`;
        if (this.allowed.has(key)) throw new Error(`${subject}: ${key} is listed twice`);
        this.allowed.set(key, new Set(rule.by));
      }
    }
  }

  can(from: S, to: S, by: TransitionBy): boolean {
    return this.allowed.get(`${from}>${to}`)?.has(by) ?? false;
  }

  /** The states `by` may move to from `from`, in table order. */
  targets(from: S, by: TransitionBy): S[] {
    return this.states.filter((to) => this.can(from, to, by));
  }

  /** Throws a CONFLICT on `status` unless `by` may move from `from` to `to`. */
  assert(from: S, to: S, by: TransitionBy): void {
    if (this.can(from, to, by)) return;
    const targets = this.targets(from, by);
    const reason =
      from === to
        ? `the ${this.subject} is already ${from}`
        : `a ${this.subject} cannot go from ${from} to ${to}${by === 'user' && this.can(from, to, 'system') ? ' by hand (Studio does that itself)' : ''}`;
    throw new DomainError(
      ErrorCode.CONFLICT,
      `${reason}; from ${from} it can go to ${targets.length ? targets.join(', ') : 'nothing (it is final)'}`,
      ['status'],
    );
  }
}
