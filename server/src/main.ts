import { startStudio, type Studio } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger } from './logging/logger.js';

/** Exit codes: 0 stopped cleanly, 1 failed, 78 bad configuration (sysexits' EX_CONFIG). */
const EXIT_FAILED = 1;
const EXIT_CONFIG = 78;
const STOP_DEADLINE_MS = 10_000;

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`maestro: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(
    `maestro: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(EXIT_FAILED);
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  fail(error);
}
const logger = createLogger(config.logLevel);

let studio: Studio;
try {
  studio = await startStudio({ config, logger });
} catch (error) {
  if (!(error instanceof ConfigError)) logger.fatal({ err: error }, 'start-up failed');
  fail(error);
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    // A repeated SIGTERM (process managers may send several) changes nothing; a second Ctrl-C
    // means the operator does not want to wait.
    if (signal === 'SIGINT') {
      logger.warn('second interrupt: exiting now');
      process.exit(EXIT_FAILED);
    }
    return;
  }
  stopping = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => {
    logger.error('shutdown did not finish in time; exiting');
    process.exit(EXIT_FAILED);
  }, STOP_DEADLINE_MS).unref();
  studio.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(EXIT_FAILED);
    },
  );
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
