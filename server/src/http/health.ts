import type { Request, Response } from 'express';

export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 2000;

/** /healthz: the process is alive and serving HTTP. */
export function healthHandler(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

/**
 * /readyz: 200 when the Studio accepts work and every dependency answers within 2 s; 503 with
 * the failing checks otherwise (also while starting or shutting down).
 */
export function readinessHandler(isAccepting: () => boolean, probes: readonly ReadinessProbe[]) {
  return async (_req: Request, res: Response): Promise<void> => {
    const results = await Promise.all(
      probes.map(async (probe) => [probe.name, await runProbe(probe)] as const),
    );
    const checks = Object.fromEntries(results);
    const ready = isAccepting() && results.every(([, result]) => result === 'ok');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : isAccepting() ? 'unavailable' : 'shutting-down', checks });
  };
}

async function runProbe(probe: ReadinessProbe): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
