import { describe, expect, test } from '@jest/globals';
import { Channel } from './channel.js';

describe('Channel', () => {
  test('delivers pushed values in order, to a waiting consumer too', async () => {
    const channel = new Channel<number>(4);
    const first = channel.next();
    await channel.push(1);
    await channel.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await channel.next()).toEqual({ value: 2, done: false });
  });

  test('push waits while the buffer is at its high-water mark', async () => {
    const channel = new Channel<number>(2);
    await channel.push(1);
    let resolved = false;
    const blocked = channel.push(2).then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    await channel.next();
    await blocked;
    expect(resolved).toBe(true);
  });

  test('return() ends a pending next() at once and runs onClose once', async () => {
    let closes = 0;
    const channel = new Channel<number>(2, () => closes++);
    const pending = channel.next();
    await channel.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    await channel.return();
    expect(closes).toBe(1);
    await channel.push(5);
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  test('return() releases a producer blocked on backpressure', async () => {
    const channel = new Channel<number>(1);
    const blocked = channel.push(1);
    await channel.return();
    await expect(blocked).resolves.toBeUndefined();
  });

  test('fail() delivers buffered values first, then the error', async () => {
    const channel = new Channel<number>(4);
    await channel.push(1);
    channel.fail(new Error('boom'));
    expect(await channel.next()).toEqual({ value: 1, done: false });
    await expect(channel.next()).rejects.toThrow('boom');
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  test('fail() rejects a waiting consumer', async () => {
    let closes = 0;
    const channel = new Channel<number>(4, () => closes++);
    const pending = channel.next();
    channel.fail('not an Error');
    await expect(pending).rejects.toThrow('not an Error');
    expect(closes).toBe(1);
  });

  test('works with for await', async () => {
    const channel = new Channel<number>(8);
    for (const n of [1, 2, 3]) await channel.push(n);
    const seen: number[] = [];
    for await (const n of channel) {
      seen.push(n);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(channel.isClosed).toBe(true);
  });

  test('finish() lets the consumer drain what is buffered, then ends', async () => {
    let closes = 0;
    const channel = new Channel<number>(8, () => closes++);
    await channel.push(1);
    await channel.push(2);
    channel.finish();
    await channel.push(3);
    expect(await channel.next()).toEqual({ value: 1, done: false });
    expect(closes).toBe(0);
    expect(await channel.next()).toEqual({ value: 2, done: false });
    expect(closes).toBe(1);
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  test('finish() on an empty channel ends a waiting consumer', async () => {
    const channel = new Channel<number>(8);
    const pending = channel.next();
    channel.finish();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
