import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createLogger } from '../../logging/logger.js';
import type { Transactions, Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import { Reaper } from './reaper.js';

/**
 * A database where another replica always holds the reaper lock: each pass is one query, which
 * answers only when the test lets it.
 */
class HeldLockDatabase {
  readonly passes: Array<{ answer: () => void; fail: (error: Error) => void }> = [];

  readonly transactions = {
    run: <T>(work: (tx: Tx) => Promise<T>) =>
      work({
        manager: {
          query: () =>
            new Promise((resolve, reject) =>
              this.passes.push({
                answer: () => resolve([{ locked: false, now: new Date() }]),
                fail: reject,
              }),
            ),
        },
        afterCommit: () => undefined,
      } as unknown as Tx),
  } as unknown as Transactions;
}

describe('Reaper timing', () => {
  let db: HeldLockDatabase;
  let reaper: Reaper;
  const logger = createLogger('silent');

  beforeEach(() => {
    jest.useFakeTimers();
    db = new HeldLockDatabase();
    reaper = new Reaper({
      transactions: db.transactions,
      events: {} as EventLog,
      logger,
      intervalMs: 1_000,
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a pass starts every interval, and none while the last is still running', async () => {
    reaper.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(db.passes).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(db.passes).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(5_000);
    expect(db.passes).toHaveLength(1);

    // The beats it skipped were not queued up behind it either.
    db.passes[0]?.answer();
    await jest.advanceTimersByTimeAsync(0);
    expect(db.passes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(db.passes).toHaveLength(2);
    db.passes[1]?.answer();
    await reaper.stop();
  });

  test('a failed pass is logged and the next one still runs', async () => {
    const error = jest.spyOn(logger, 'error');
    reaper.start();
    await jest.advanceTimersByTimeAsync(1_000);
    db.passes[0]?.fail(new Error('connection reset'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'reaper pass failed; the next one retries',
    );
    expect(db.passes).toHaveLength(2);
    db.passes[1]?.answer();
    await reaper.stop();
  });

  test('stop() ends the timer and waits for the pass in flight', async () => {
    reaper.start();
    await jest.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = reaper.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);

    db.passes[0]?.answer();
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(db.passes).toHaveLength(1);
  });

  test('passes asked for at once run one after the other', async () => {
    const first = reaper.tick();
    const second = reaper.tick();
    await jest.advanceTimersByTimeAsync(0);
    expect(db.passes).toHaveLength(1);
    db.passes[0]?.answer();
    await expect(first).resolves.toMatchObject({ ran: false });
    await jest.advanceTimersByTimeAsync(0);
    expect(db.passes).toHaveLength(2);
    db.passes[1]?.answer();
    await expect(second).resolves.toMatchObject({ ran: false });
  });
});
