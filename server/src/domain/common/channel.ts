interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

/**
 * An async queue with backpressure that is consumed as an AsyncIterableIterator. Unlike an
 * async generator, `return()` ends the iteration at once even while `next()` is waiting, so a
 * cancelled subscription releases its resources immediately (`onClose` runs exactly once).
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private readonly waiters: Array<Waiter<T>> = [];
  private readonly spaceWaiters: Array<() => void> = [];
  private failure: { error: Error } | undefined;
  private ended = false;
  private finished = false;

  constructor(
    private readonly highWaterMark = 64,
    private readonly onClose: () => void = () => undefined,
  ) {}

  /** True once the consumer has stopped or an error has been delivered. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** Delivers a value; resolves when there is room for more. A no-op once closed or finished. */
  async push(value: T): Promise<void> {
    if (this.ended || this.finished) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value, done: false });
      return;
    }
    this.buffer.push(value);
    while (!this.ended && this.buffer.length >= this.highWaterMark) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  /** Ends the stream with `error`, after the values already buffered. */
  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error: error instanceof Error ? error : new Error(String(error)) };
    if (this.buffer.length === 0 && this.waiters.length > 0) {
      const waiters = this.waiters.splice(0);
      const failure = this.failure.error;
      this.end();
      for (const waiter of waiters) waiter.reject(failure);
    }
  }

  /** The producer is done: the consumer receives what is buffered, then the end. */
  finish(): void {
    if (this.ended || this.finished) return;
    this.finished = true;
    if (this.buffer.length === 0) this.close();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      this.spaceWaiters.shift()?.();
      if (this.finished && this.buffer.length === 0) this.end();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure && !this.ended) {
      this.end();
      return Promise.reject(this.failure.error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The consumer stops: buffered values are dropped; pending and later `next()` report done. */
  close(): void {
    if (this.ended) return;
    const waiters = this.waiters.splice(0);
    this.end();
    for (const waiter of waiters) waiter.resolve({ value: undefined, done: true });
  }

  private end(): void {
    this.ended = true;
    this.buffer = [];
    for (const wake of this.spaceWaiters.splice(0)) wake();
    this.onClose();
  }
}
