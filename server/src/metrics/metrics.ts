import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Studio's Prometheus metrics, in a registry of its own (one per Studio instance, so two
 * instances in one process do not collide). Served as text at /metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'maestro_http_request_duration_seconds',
    help: 'HTTP requests by route class, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'maestro_graphql_operations_total',
    help: 'GraphQL operations by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly websocketConnections = new Gauge({
    name: 'maestro_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'maestro_events_appended_total',
    help: 'Events written to the event log',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventPublishFailures = new Counter({
    name: 'maestro_event_publish_failures_total',
    help: 'Events written but not published (subscribers back-fill them from the log)',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'maestro_' });
    }
  }
}
