import { Channel } from './channel.js';

/**
 * Maps and filters an async iterator: `initial` values first, then `map(item)` for each item of
 * `source` where it is not undefined. Ending the result (return()) ends `source` at once; an
 * error of `source` or of `map` ends the result with that error.
 */
export function transformStream<T, U>(
  source: AsyncIterableIterator<T>,
  map: (item: T) => Promise<U | undefined>,
  initial: readonly U[] = [],
): AsyncIterableIterator<U> {
  const out = new Channel<U>(64, () => {
    void source.return?.();
  });
  void (async () => {
    try {
      for (const value of initial) await out.push(value);
      for (;;) {
        const next = await source.next();
        if (next.done || out.isClosed) break;
        const mapped = await map(next.value);
        if (mapped !== undefined) await out.push(mapped);
      }
      out.finish();
    } catch (error) {
      out.fail(error);
    }
  })();
  return out;
}
