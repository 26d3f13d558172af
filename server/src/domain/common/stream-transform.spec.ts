import { describe, expect, test } from '@jest/globals';
import { Channel } from './channel.js';
import { transformStream } from './stream-transform.js';

describe('transformStream', () => {
  test('yields the initial values, then mapped items, skipping undefined', async () => {
    const source = new Channel<number>(10);
    const result = transformStream(source, (n) => Promise.resolve(n % 2 ? `odd ${n}` : undefined), [
      'start',
    ]);
    for (const n of [1, 2, 3]) await source.push(n);
    source.finish();
    const seen: string[] = [];
    for await (const value of result) seen.push(value);
    expect(seen).toEqual(['start', 'odd 1', 'odd 3']);
  });

  test('ending the result ends the source', async () => {
    let closed = false;
    const source = new Channel<number>(10, () => (closed = true));
    const result = transformStream(source, (n) => Promise.resolve(n));
    await source.push(1);
    expect(await result.next()).toEqual({ value: 1, done: false });
    await result.return?.();
    expect(closed).toBe(true);
  });

  test('an error while mapping ends the result with it', async () => {
    const source = new Channel<number>(10);
    const result = transformStream(source, () => Promise.reject(new Error('mapping failed')));
    await source.push(1);
    await expect(result.next()).rejects.toThrow('mapping failed');
  });
});
