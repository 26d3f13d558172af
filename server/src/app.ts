import 'reflect-metadata';
import { gatewaySecret, type Config } from './config/config.js';
import { RpcSubscriber } from './gateway/rpc/rpc-subscriber.js';
import { resolveSecret } from './config/secret.js';
import { openPostgres, type Database } from './db/database.js';
import { openEmbedded } from './db/embedded.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import { startHttpServer, type GatewayDeps } from './http/http-server.js';
import { DEFAULT_WEB_DIR, loadWebHandler } from './http/web.js';
import type { Logger } from './logging/logger.js';
import { Metrics } from './metrics/metrics.js';
import { createPubSub } from './pubsub/create-pubsub.js';
import type { PubSub } from './pubsub/pubsub.js';
import { createServices, type Services } from './services.js';

export interface StudioOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** An already open database (tests); otherwise opened from the configuration. */
  readonly database?: Database;
  /** An already connected bus (tests); otherwise connected from the configuration. */
  readonly pubsub?: PubSub;
  /** Channel prefix on Redis, so several Studios can share one server (tests). */
  readonly pubsubPrefix?: string;
  /** Serve the built dashboard at / when there is one (default true). */
  readonly serveWeb?: boolean;
  /** Collect process metrics (default true; tests with several Studios turn it off). */
  readonly processMetrics?: boolean;
  /** Run the reaper (default true; tests that move leases by hand turn it off). */
  readonly reaper?: boolean;
  /** How often graphql-ws sockets opened with an API token re-check it (tests shorten it). */
  readonly credentialRecheckMs?: number;
  /**
   * The layer above the compatibility gateway's Pusher adapter and protocol timings; by
   * default the RPC subscriber (JSON-RPC methods and notifications) with Pusher's timings.
   */
  readonly gateway?: GatewayDeps;
  /** Shows the first-run setup link to the operator (default: a banner on stderr). */
  readonly announceSetupLink?: (link: string) => void;
}

function announceSetupLink(link: string): void {
  process.stderr.write(
    `\n  No account exists yet. Open this one-time link to create the owner account:\n\n    ${link}\n\n`,
  );
}

export interface Studio {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  readonly database: Database;
  readonly pubsub: PubSub;
  readonly services: Services;
  readonly secret: string;
  /** The one-time first-run setup link, while no account exists. */
  readonly setupLink: string | undefined;
  /** Graceful stop: finishes requests in flight, closes sockets (1001), the bus and the database. */
  close(): Promise<void>;
}

/** Time allowed for requests in flight when stopping; the whole stop stays under 10 s. */
const DRAIN_MS = 7000;

/**
 * Starts a Studio. Dependencies are reached in an order that keeps a failed start harmless:
 * first the external services (Redis, PostgreSQL), and only then anything that writes to the
 * data directory (the embedded database, the generated secret).
 */
export async function startStudio(options: StudioOptions): Promise<Studio> {
  const { config, logger } = options;
  const cleanup: Array<() => Promise<void>> = [];
  const step = async (done: string, work: () => Promise<void>) => {
    await work();
    logger.debug(done);
  };
  try {
    const pubsub =
      options.pubsub ??
      (await createPubSub(config.redisUrl, logger, {
        ...(options.pubsubPrefix ? { prefix: options.pubsubPrefix } : {}),
      }));
    if (!options.pubsub) cleanup.push(() => step('pub/sub closed', () => pubsub.close()));

    const database = options.database ?? (await openDatabase(config, logger));
    if (!options.database) cleanup.push(() => step('database closed', () => database.close()));

    const secret = await resolveSecret(config);
    const metrics = new Metrics({ defaultMetrics: options.processMetrics ?? true });
    const services = createServices({
      dataSource: database.dataSource,
      pubsub,
      metrics,
      logger,
      secret,
      previousSecrets: config.previousSecrets,
      loginLimits: config.loginLimits,
      leadWorkerCap: config.leadWorkerCap,
      embeddings: config.embeddings,
      openai: config.openai,
    });
    cleanup.push(() => step('plan chat answers stopped', () => services.planner.idle()));
    cleanup.push(() => step('pull requests settled', () => services.releases.idle()));
    // Vectors of another embedder (or none) are re-embedded in the background, batch by batch.
    services.knowledge.startReembedding();
    cleanup.push(() => step('re-embedding stopped', () => services.knowledge.stopReembedding()));
    if (options.reaper !== false) {
      services.reaper.start();
      cleanup.push(() => step('reaper stopped', () => services.reaper.stop()));
    }
    const schema = await buildGraphQLSchema();
    const webHandler =
      options.serveWeb === false
        ? undefined
        : await loadWebHandler(config.webDir ?? DEFAULT_WEB_DIR);
    const http = await startHttpServer({
      host: config.host,
      port: config.port,
      production: config.production,
      logger,
      metrics,
      services,
      schema,
      probes: [
        { name: 'database', check: () => database.ping() },
        { name: 'pubsub', check: () => pubsub.ping() },
      ],
      webHandler,
      limits: config.graphqlLimits,
      trustProxy: config.trustProxy,
      credentialRecheckMs: options.credentialRecheckMs,
      gatewayKey: config.gatewayKey,
      gatewaySecret: gatewaySecret(secret),
      gatewayMaxMessageBytes: config.gatewayMaxMessageBytes,
      // the RPC layer unless a test brings its own subscriber
      gateway: options.gateway ?? {
        subscriber: new RpcSubscriber({
          schema,
          services,
          logger: logger.child({ component: 'gateway' }),
          production: config.production,
        }),
      },
    });
    const host =
      http.address.family === 'IPv6' ? `[${http.address.address}]` : http.address.address;
    const url = `http://${host}:${http.address.port}`;
    services.links.setBase(config.publicUrl ?? url);
    const setupToken = await services.auth.issueSetupToken();
    const setupLink = setupToken === undefined ? undefined : services.links.setup(setupToken);
    if (setupLink !== undefined) {
      // The link is a credential: it goes to the terminal, never into the structured log.
      (options.announceSetupLink ?? announceSetupLink)(setupLink);
      logger.info('first-run setup pending: open the one-time setup link printed on the terminal');
    }
    logger.info(
      {
        url,
        database: database.kind,
        pubsub: pubsub.mode,
        dashboard: webHandler ? 'served at /' : 'not built',
        embedder: services.knowledge.embedder.model,
      },
      'studio ready',
    );

    let closing: Promise<void> | undefined;
    return {
      url,
      port: http.address.port,
      database,
      pubsub,
      services,
      secret,
      setupLink,
      close: () =>
        (closing ??= (async () => {
          logger.info('studio stopping');
          await http.close(DRAIN_MS);
          for (const step of cleanup.reverse()) await step();
          logger.info('studio stopped');
        })()),
    };
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

function openDatabase(config: Config, logger: Logger): Promise<Database> {
  return config.databaseUrl !== undefined
    ? openPostgres(config.databaseUrl, logger)
    : openEmbedded(config.dataDir, logger);
}
