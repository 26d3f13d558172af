/**
 * Stopping a long-running command: SIGTERM (`maestro disconnect`) and SIGINT (Ctrl-C) abort
 * `signal`; `exitCode(code)` turns a clean finish after Ctrl-C into 2 (cancelled).
 */
export interface Stopper {
  readonly signal: AbortSignal;
  /** Stops as a signal would (the live view's `q`). */
  abort(): void;
  exitCode(code: number): number;
}

export function stopSignals(): Stopper {
  const stop = new AbortController();
  let cancelled = false;
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => {
    cancelled = true;
    stop.abort();
  });
  return {
    signal: stop.signal,
    abort: () => stop.abort(),
    exitCode: (code) => (code === 0 && cancelled ? 2 : code),
  };
}
