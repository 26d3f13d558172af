import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** The caller's X-Request-Id when it is sane, else a new one; echoed in the response. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** A bounded route label for metrics. */
function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  if (PROBES.has(path) || path === '/graphql') return path;
  if (path.startsWith('/app/')) return '/app/:key';
  return 'other';
}

/** Times every request into the HTTP histogram. */
export function requestMetrics(metrics: Metrics) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const stop = metrics.httpRequests.startTimer({
      route: routeOf(req.url),
      method: req.method ?? 'GET',
    });
    res.once('close', () => stop({ status: String(res.statusCode) }));
    next();
  };
}

/** Request ids and one structured log line per request (probes only at debug level). */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (PROBES.has((req.url ?? '').split('?')[0] ?? '')) return 'debug';
      return 'info';
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
