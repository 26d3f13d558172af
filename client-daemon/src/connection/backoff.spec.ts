import { describe, expect, test } from '@jest/globals';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  test('doubles per attempt, between half and all of the ceiling', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
  });

  test('is capped at 30 s however many attempts failed', () => {
    for (const attempt of [6, 10, 50, 1000]) {
      expect(backoffDelay(attempt, () => 1)).toBe(30_000);
      expect(backoffDelay(attempt, () => 0)).toBe(15_000);
    }
  });
});
